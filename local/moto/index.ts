export { MOTO_INSTALL_HINT, MotoNotInstalledError, MotoStartError, startMoto } from './server';
export type { MotoServer, StartMotoOptions } from './server';
