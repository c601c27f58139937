#!/usr/bin/env node
// Prints the capability report of the backend LiftGuard picks on this machine.
import { capabilityReport, formatCapabilityReport, initBackend } from './index.js';

try {
  await initBackend();
  const report = await capabilityReport();
  console.log(process.argv.includes('--json') ? JSON.stringify(report, null, 2) : formatCapabilityReport(report));
} catch (error) {
  console.error(`liftguard: ${(error as Error).message}`);
  process.exit(1);
}
