export { measureInitialLoss } from './measure-initial-loss.js';
export { type TieReport, verifyTie } from './verify-tie.js';
