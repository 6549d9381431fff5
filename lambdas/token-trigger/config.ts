/** The token trigger's configuration: its variables in `config/contract.ts`, read by `config/reader.ts`. */
import { type LogLevel, parseLogLevel } from '../adapters/observability.js';
import { TOKEN_LIFETIME_RANGE } from '../config/fields.js';
import { readEnvironment } from '../config/reader.js';
import { type LifetimePolicy, lifetimePolicy } from '../core/lifetime.js';
import { isValidClaimName } from './events.js';

export interface TokenTriggerConfig {
  readonly tableName: string;
  readonly claim: string;
  readonly policy: LifetimePolicy;
  readonly storeTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly metricsNamespace: string;
  /**
   * The chained pre-token-generation function's settings as set (`chain.ts` validates them, so that a bad value
   * refuses the pre-token events the chain is for instead of disabling the whole trigger).
   */
  readonly chain: { readonly CHAINED_TRIGGER_FUNCTION: string; readonly CHAINED_TRIGGER_TIMEOUT_MS: string };
}

/** Parses and validates; throws one `ConfigError` naming every variable at fault. */
export function readTokenTriggerConfig(env: NodeJS.ProcessEnv = process.env): TokenTriggerConfig {
  return readEnvironment('token-trigger', env, (read) => {
    const claim = read.text('SESSION_CLAIM');
    if (!isValidClaimName(claim)) {
      read.problem(
        `SESSION_CLAIM "${claim}" is not a claim the trigger may set (letters, digits, _ : . -; not a standard or cognito: claim)`,
      );
    }
    return {
      tableName: read.text('TABLE_NAME'),
      claim,
      // The trigger never writes a refresh-token entry, so its contract has no refresh lifetime.
      policy: lifetimePolicy({
        tokenLifetimeSeconds: read.integer('TOKEN_LIFETIME_SECONDS', ...TOKEN_LIFETIME_RANGE),
      }),
      storeTimeoutMs: read.integer('STORE_TIMEOUT_MS', 50, 3000),
      logLevel: read.parse('LOG_LEVEL', parseLogLevel, 'info'),
      metricsNamespace: read.text('METRICS_NAMESPACE'),
      chain: {
        CHAINED_TRIGGER_FUNCTION: read.text('CHAINED_TRIGGER_FUNCTION'),
        CHAINED_TRIGGER_TIMEOUT_MS: read.text('CHAINED_TRIGGER_TIMEOUT_MS'),
      },
    };
  });
}
