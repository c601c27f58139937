import type { Command } from '../command.js';
import { backendCommand } from './backend.js';

/** Every subcommand, in the order `liftguard --help` lists them. */
export const commands: Command[] = [backendCommand];
