/** The real VyOS SSH emulator behind the world's seam. */
import { startVyosRouter } from '../vyos/start-vyos-router.js';
import type { StartRouterServer } from './start-router-server.js';

export const defaultStartRouterServer: StartRouterServer = (settings) => startVyosRouter(settings);
