export { type AppConfig, type AppDependencies, buildApp, type Services } from './app.js';
export { type Clock, systemClock } from './clock.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { type Database, type DatabaseOptions, openDatabase } from './db/database.js';
export { ERRORS, type ErrorCode, type FieldError, UnveilError } from './errors.js';
