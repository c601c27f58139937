// Resolved through package.json "imports": tfjs-core's gradients (bundled for Node).
declare module '#register-gradients';
