import type { Command } from '../command.js';
import { attackCommand } from './attack.js';
import { backendCommand } from './backend.js';
import { evalCommand } from './eval.js';
import { inspectCommand } from './inspect.js';
import { mergeCommand } from './merge.js';
import { repairCommand } from './repair.js';
import { reportCommand } from './report.js';
import { reproduceCommand } from './reproduce.js';
import { tourCommand } from './tour.js';
import { trainCommand } from './train.js';

/** Every subcommand, in the order `liftguard --help` lists them. */
export const commands: Command[] = [tourCommand, trainCommand, attackCommand, repairCommand, evalCommand, inspectCommand, mergeCommand, reportCommand, reproduceCommand, backendCommand];
