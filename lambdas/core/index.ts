export * from './directory.js';
export * from './lifetime.js';
export * from './ports.js';
export * from './revocation.js';
export * from './session.js';
export * from './token.js';
