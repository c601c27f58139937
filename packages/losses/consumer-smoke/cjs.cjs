const { createLoss } = require('@liftguard/losses');

let refused = false;
try {
  createLoss('arovr', { beta: 2 });
} catch (error) {
  refused = /γ_L > β/.test(error.message);
}
if (!refused) throw new Error('unstable AROVR settings must be refused');
console.log('cjs ok');
