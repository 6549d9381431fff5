/**
 * A typed cdktf construct for the `cognito_revocation` Terraform module.
 *
 * Props mirror the module's variables.tf (camelCase; nested object fields too) and getters mirror outputs.tf.
 * test/terraform/cdktf.test.ts parses both files and keeps the tables below in step with them.
 *
 * Imports only `cdktf` and `constructs`, so it works with cdktf 0.20/0.21 and with the community fork `cdktn`
 * (alias the package: `"cdktf": "npm:cdktn@<version>"` in package.json). See docs/cdktf.md.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  App,
  Fn,
  type ITerraformDependable,
  type TerraformProvider,
  TerraformHclModule,
  TerraformStack,
  Token,
} from 'cdktf';
import { Construct } from 'constructs';

/** A REST API to create a Lambda authorizer on (`rest_apis` entry). */
export interface RestApiAuthorizer {
  readonly restApiId: string;
  readonly name?: string;
  /** `TOKEN` (default) or `REQUEST`. */
  readonly type?: 'TOKEN' | 'REQUEST';
  readonly identitySource?: string;
  readonly identityValidationExpression?: string;
  /** 0–3600, default 0: a cached allow outlives a revocation by up to this long. */
  readonly authorizerResultTtlInSeconds?: number;
}

/** An HTTP API to create a Lambda authorizer on (`http_apis` entry). */
export interface HttpApiAuthorizer {
  readonly apiId: string;
  readonly name?: string;
  readonly identitySources?: string[];
  /** 0–3600, default 0. */
  readonly authorizerResultTtlInSeconds?: number;
}

/** An authorizer managed elsewhere whose URI points at the authorizer function (`existing_authorizers` entry). */
export interface ExistingAuthorizer {
  readonly apiId: string;
  readonly authorizerId: string;
}

/** REST API stages whose authorizer cache is flushed after every revocation (`cache_flush_rest_api_stages`). */
export interface RestApiStages {
  readonly restApiId: string;
  readonly stages: string[];
}

/** HTTP API stages whose authorizer cache is reset after every revocation (`cache_flush_http_api_stages`). */
export interface HttpApiStages {
  readonly apiId: string;
  readonly stages: string[];
}

/** Per-function setting (`memory_size`, `timeout_seconds`, `reserved_concurrent_executions`). */
export interface PerFunction {
  readonly authorizer?: number;
  readonly tokenTrigger?: number;
  readonly adminSignout?: number;
  readonly autoRevocation?: number;
  readonly logout?: number;
}

/** Per-function switch (`create_role`). */
export interface PerFunctionFlag {
  readonly authorizer?: boolean;
  readonly tokenTrigger?: boolean;
  readonly adminSignout?: boolean;
  readonly autoRevocation?: boolean;
  readonly logout?: boolean;
}

/** Per-function role ARN (`role_arn`). */
export interface PerFunctionRole {
  readonly authorizer?: string;
  readonly tokenTrigger?: string;
  readonly adminSignout?: string;
  readonly autoRevocation?: string;
  readonly logout?: string;
}

/** A table replica region (`table_replicas` entry). */
export interface TableReplica {
  readonly regionName: string;
  readonly kmsKeyArn?: string;
}

/** Auto scaling of a PROVISIONED table (`table_provisioned_capacity`); docs/cost.md. */
export interface TableProvisionedCapacity {
  readonly readMinCapacity?: number;
  readonly readMaxCapacity?: number;
  readonly readTargetUtilization?: number;
  readonly writeMinCapacity?: number;
  readonly writeMaxCapacity?: number;
  readonly writeTargetUtilization?: number;
}

/** An S3 object to deploy a function's code from (`s3_existing_package` entry). */
export interface S3Package {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

/** Per-function S3 packages (`s3_existing_package`): any subset of the functions. */
export interface PerFunctionS3Package {
  readonly authorizer?: S3Package;
  readonly tokenTrigger?: S3Package;
  readonly adminSignout?: S3Package;
  readonly autoRevocation?: S3Package;
  readonly logout?: S3Package;
}

/** The module's inputs; see the README's inputs table for each one's meaning, default and validation. */
/** Retries of the automatic revocation's event path. */
export interface AutomaticRevocationRetry {
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeInSeconds?: number;
}

/** The self-service logout routes (keys of `httpApis` / `restApis`). */
export interface LogoutRoutes {
  readonly httpApis?: Record<string, { readonly routeKey?: string }>;
  readonly restApis?: Record<string, { readonly parentResourceId: string; readonly pathPart?: string }>;
  readonly allowEverywhere?: boolean;
}

/** The RFC 7662 introspection endpoint (docs/introspection.md). */
export interface IntrospectionEndpoint {
  readonly callerClientIds: string[];
  readonly callerScope?: string;
  readonly failMode?: 'closed' | 'open';
  readonly stalenessSeconds?: number;
  readonly storeTimeoutMs?: number;
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
  readonly reservedConcurrentExecutions?: number;
}

/** The RFC 7009 revocation endpoint (docs/introspection.md). */
export interface TokenRevocationEndpoint {
  readonly callerClientIds: string[];
  readonly callerScope?: string;
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
  readonly reservedConcurrentExecutions?: number;
}

/** An upstream identity provider's door: the Shared Signals receiver or Global Token Revocation (docs/shared-signals.md). */
interface UpstreamDoor {
  readonly issuer: string;
  readonly audience: string[];
  readonly jwksUri?: string;
  readonly metadataUrl?: string;
  readonly algorithms?: string[];
  readonly providerName?: string;
  readonly maxBodyBytes?: number;
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly httpApis?: Record<string, { readonly routeKey?: string }>;
  readonly restApis?: Record<string, { readonly parentResourceId: string; readonly pathPart?: string }>;
}

/** The Shared Signals receiver (docs/shared-signals.md). */
export interface SharedSignalsReceiver extends UpstreamDoor {
  readonly setMaxAgeSeconds?: number;
}

/** The Global Token Revocation endpoint (docs/global-token-revocation.md). */
export interface GlobalTokenRevocationEndpoint extends UpstreamDoor {
  readonly scope: string;
}

export interface CognitoRevocationInputs {
  readonly userPoolId: string;
  readonly clientIds: string[];
  readonly tokenUse?: 'id' | 'access' | 'any';
  readonly sessionClaim?: string;
  readonly preTokenGenerationEventVersion?: 'V1_0' | 'V2_0' | 'V3_0';
  readonly restApis?: Record<string, RestApiAuthorizer>;
  readonly httpApis?: Record<string, HttpApiAuthorizer>;
  readonly httpApiResponseMode?: 'simple' | 'iam';
  readonly existingAuthorizers?: Record<string, ExistingAuthorizer>;
  readonly appsyncApiIds?: Record<string, string>;
  readonly tokenLifetimeSeconds?: number;
  readonly refreshTokenLifetimeSeconds?: number;
  readonly failMode?: 'closed' | 'open';
  readonly revocationStalenessSeconds?: number;
  readonly revocationMaxAgeSeconds?: number;
  readonly cacheFlushRestApiStages?: Record<string, RestApiStages>;
  readonly cacheFlushHttpApiStages?: Record<string, HttpApiStages>;
  readonly storeTimeoutMs?: number;
  readonly storeMaxAttempts?: number;
  readonly consistentRead?: boolean;
  readonly triggerStoreTimeoutMs?: number;
  /** Directory with the zips from `npm run build`; default `<module>/dist`. */
  readonly packageDir?: string;
  /** Deploy from your own bucket instead of local zips, per function. */
  readonly s3ExistingPackage?: PerFunctionS3Package;
  readonly runtime?: 'nodejs20.x' | 'nodejs22.x';
  readonly architecture?: 'arm64' | 'x86_64';
  readonly memorySize?: PerFunction;
  readonly timeoutSeconds?: PerFunction;
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error';
  readonly metricsNamespace?: string;
  readonly logRetentionInDays?: number;
  readonly kmsKeyArn?: string;
  readonly pointInTimeRecoveryEnabled?: boolean;
  readonly deletionProtectionEnabled?: boolean;
  readonly tableReplicas?: TableReplica[];
  /** The global table another instance (another region) created; see docs/multi-region.md. */
  readonly existingTableName?: string;
  /** `PROVISIONED` trades capacity planning and throttling (denied decisions) for a cheaper read; docs/cost.md. */
  readonly tableBillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readonly tableProvisionedCapacity?: TableProvisionedCapacity;
  readonly cloudwatchLogsKmsKeyId?: string;
  /** The dead-letter queue's own KMS key (default: SSE-SQS); see docs/terraform.md. */
  readonly deadLetterQueueKmsKeyArn?: string;
  /** Per function: `false` runs it with the role in `roleArn` instead of the module's. */
  readonly createRole?: PerFunctionFlag;
  /** Per function: the existing role's ARN where `createRole` is false. */
  readonly roleArn?: PerFunctionRole;
  /** Level of Lambda's platform log lines: `WARN` (default), `INFO` or `DEBUG`. */
  readonly systemLogLevel?: 'DEBUG' | 'INFO' | 'WARN';
  /** `-1` (default) reserves nothing; see the trigger advice in docs/terraform.md. */
  readonly reservedConcurrentExecutions?: PerFunction;
  readonly tracingMode?: 'PassThrough' | 'Active';
  readonly vpcSubnetIds?: string[];
  readonly vpcSecurityGroupIds?: string[];
  readonly rolePath?: string;
  readonly rolePermissionsBoundary?: string;
  readonly create?: boolean;
  readonly namePrefix?: string;
  readonly tags?: Record<string, string>;
  /** Automatic revocation and self-service logout (docs/automatic-revocation.md, docs/logout.md). */
  readonly revokeOn?: string[];
  readonly revocationSweepSchedule?: string;
  readonly automaticRevocationRetry?: AutomaticRevocationRetry;
  readonly cognitoSessionManagement?: boolean;
  readonly logout?: LogoutRoutes;
  readonly introspection?: IntrospectionEndpoint;
  readonly tokenRevocation?: TokenRevocationEndpoint;
  readonly sharedSignals?: SharedSignalsReceiver;
  readonly globalTokenRevocation?: GlobalTokenRevocationEndpoint;
  readonly chainedPreTokenGenerationFunctionArn?: string;
  readonly chainedTriggerTimeoutMs?: number;
  readonly alarmSnsTopicArn?: string;
  readonly alarmPeriodSeconds?: number;
  readonly alarmStoreErrorThreshold?: number;
  readonly createDashboard?: boolean;
  readonly decisionLogSampleRate?: number;
  readonly metricsFlushDecisions?: number;
}

export interface CognitoRevocationProps extends CognitoRevocationInputs {
  /**
   * Where the module is: a registry or git address (`github.com/<org>/cognito-revocation?ref=v0.1.0`), or a local
   * path (`./`, `../` or absolute; relative to the working directory), which is rewritten relative to the
   * synthesized stack so `terraform` finds it without copying the module into an asset.
   */
  readonly source: string;
  /** Registry module version constraint (registry sources only). */
  readonly version?: string;
  readonly providers?: TerraformProvider[];
  readonly dependsOn?: ITerraformDependable[];
}

type FieldMap<T> = { readonly [K in keyof T]-?: string };

interface VariableSpec {
  readonly name: string;
  /** The value is an object with these fields. */
  readonly fields?: Readonly<Record<string, string>>;
  /** The value is a map whose values are objects with these fields. */
  readonly eachValue?: Readonly<Record<string, string>>;
  /** The value is a list of objects with these fields. */
  readonly eachItem?: Readonly<Record<string, string>>;
  /** With `fields`: these (Terraform) fields hold maps whose values are objects renamed with the same `fields`. */
  readonly nestedMaps?: readonly string[];
  /** The map's keys are renamed too (camelCase prop keys → the variable's snake_case keys). */
  readonly keys?: Readonly<Record<string, string>>;
}

export const REST_API_FIELDS: FieldMap<RestApiAuthorizer> = {
  restApiId: 'rest_api_id',
  name: 'name',
  type: 'type',
  identitySource: 'identity_source',
  identityValidationExpression: 'identity_validation_expression',
  authorizerResultTtlInSeconds: 'authorizer_result_ttl_in_seconds',
};

export const HTTP_API_FIELDS: FieldMap<HttpApiAuthorizer> = {
  apiId: 'api_id',
  name: 'name',
  identitySources: 'identity_sources',
  authorizerResultTtlInSeconds: 'authorizer_result_ttl_in_seconds',
};

export const EXISTING_AUTHORIZER_FIELDS: FieldMap<ExistingAuthorizer> = {
  apiId: 'api_id',
  authorizerId: 'authorizer_id',
};

export const REST_API_STAGES_FIELDS: FieldMap<RestApiStages> = {
  restApiId: 'rest_api_id',
  stages: 'stages',
};

export const HTTP_API_STAGES_FIELDS: FieldMap<HttpApiStages> = {
  apiId: 'api_id',
  stages: 'stages',
};

export const PER_FUNCTION_FIELDS: FieldMap<PerFunction> = {
  authorizer: 'authorizer',
  tokenTrigger: 'token_trigger',
  adminSignout: 'admin_signout',
  autoRevocation: 'auto_revocation',
  logout: 'logout',
};

export const TABLE_REPLICA_FIELDS: FieldMap<TableReplica> = {
  regionName: 'region_name',
  kmsKeyArn: 'kms_key_arn',
};

export const S3_PACKAGE_FIELDS: FieldMap<S3Package> = {
  bucket: 'bucket',
  key: 'key',
  versionId: 'version_id',
};

/** Every prop → its Terraform variable (and nested field names). The compiler makes it cover every prop. */
export const VARIABLES: { readonly [K in keyof CognitoRevocationInputs]-?: VariableSpec } = {
  userPoolId: { name: 'user_pool_id' },
  clientIds: { name: 'client_ids' },
  tokenUse: { name: 'token_use' },
  sessionClaim: { name: 'session_claim' },
  preTokenGenerationEventVersion: { name: 'pre_token_generation_event_version' },
  restApis: { name: 'rest_apis', eachValue: REST_API_FIELDS },
  httpApis: { name: 'http_apis', eachValue: HTTP_API_FIELDS },
  httpApiResponseMode: { name: 'http_api_response_mode' },
  existingAuthorizers: { name: 'existing_authorizers', eachValue: EXISTING_AUTHORIZER_FIELDS },
  appsyncApiIds: { name: 'appsync_api_ids' },
  tokenLifetimeSeconds: { name: 'token_lifetime_seconds' },
  refreshTokenLifetimeSeconds: { name: 'refresh_token_lifetime_seconds' },
  failMode: { name: 'fail_mode' },
  revocationStalenessSeconds: { name: 'revocation_staleness_seconds' },
  revocationMaxAgeSeconds: { name: 'revocation_max_age_seconds' },
  cacheFlushRestApiStages: { name: 'cache_flush_rest_api_stages', eachValue: REST_API_STAGES_FIELDS },
  cacheFlushHttpApiStages: { name: 'cache_flush_http_api_stages', eachValue: HTTP_API_STAGES_FIELDS },
  storeTimeoutMs: { name: 'store_timeout_ms' },
  storeMaxAttempts: { name: 'store_max_attempts' },
  consistentRead: { name: 'consistent_read' },
  triggerStoreTimeoutMs: { name: 'trigger_store_timeout_ms' },
  packageDir: { name: 'package_dir' },
  s3ExistingPackage: { name: 's3_existing_package', eachValue: S3_PACKAGE_FIELDS, keys: PER_FUNCTION_FIELDS },
  runtime: { name: 'runtime' },
  architecture: { name: 'architecture' },
  memorySize: { name: 'memory_size', fields: PER_FUNCTION_FIELDS },
  timeoutSeconds: { name: 'timeout_seconds', fields: PER_FUNCTION_FIELDS },
  logLevel: { name: 'log_level' },
  metricsNamespace: { name: 'metrics_namespace' },
  logRetentionInDays: { name: 'log_retention_in_days' },
  kmsKeyArn: { name: 'kms_key_arn' },
  pointInTimeRecoveryEnabled: { name: 'point_in_time_recovery_enabled' },
  deletionProtectionEnabled: { name: 'deletion_protection_enabled' },
  tableReplicas: { name: 'table_replicas', eachItem: TABLE_REPLICA_FIELDS },
  existingTableName: { name: 'existing_table_name' },
  tableBillingMode: { name: 'table_billing_mode' },
  tableProvisionedCapacity: {
    name: 'table_provisioned_capacity',
    fields: {
      readMinCapacity: 'read_min_capacity',
      readMaxCapacity: 'read_max_capacity',
      readTargetUtilization: 'read_target_utilization',
      writeMinCapacity: 'write_min_capacity',
      writeMaxCapacity: 'write_max_capacity',
      writeTargetUtilization: 'write_target_utilization',
    },
  },
  cloudwatchLogsKmsKeyId: { name: 'cloudwatch_logs_kms_key_id' },
  deadLetterQueueKmsKeyArn: { name: 'dead_letter_queue_kms_key_arn' },
  createRole: { name: 'create_role', fields: PER_FUNCTION_FIELDS },
  roleArn: { name: 'role_arn', fields: PER_FUNCTION_FIELDS },
  systemLogLevel: { name: 'system_log_level' },
  reservedConcurrentExecutions: { name: 'reserved_concurrent_executions', fields: PER_FUNCTION_FIELDS },
  tracingMode: { name: 'tracing_mode' },
  vpcSubnetIds: { name: 'vpc_subnet_ids' },
  vpcSecurityGroupIds: { name: 'vpc_security_group_ids' },
  rolePath: { name: 'role_path' },
  rolePermissionsBoundary: { name: 'role_permissions_boundary' },
  create: { name: 'create' },
  namePrefix: { name: 'name_prefix' },
  tags: { name: 'tags' },
  revokeOn: { name: 'revoke_on' },
  revocationSweepSchedule: { name: 'revocation_sweep_schedule' },
  automaticRevocationRetry: {
    name: 'automatic_revocation_retry',
    fields: {
      maximumRetryAttempts: 'maximum_retry_attempts',
      maximumEventAgeInSeconds: 'maximum_event_age_in_seconds',
    },
  },
  cognitoSessionManagement: { name: 'cognito_session_management' },
  logout: {
    name: 'logout',
    fields: {
      httpApis: 'http_apis',
      restApis: 'rest_apis',
      allowEverywhere: 'allow_everywhere',
      routeKey: 'route_key',
      parentResourceId: 'parent_resource_id',
      pathPart: 'path_part',
    },
    nestedMaps: ['http_apis', 'rest_apis'],
  },
  introspection: {
    name: 'introspection',
    fields: {
      callerClientIds: 'caller_client_ids',
      callerScope: 'caller_scope',
      failMode: 'fail_mode',
      stalenessSeconds: 'staleness_seconds',
      storeTimeoutMs: 'store_timeout_ms',
      memorySize: 'memory_size',
      timeoutSeconds: 'timeout_seconds',
      reservedConcurrentExecutions: 'reserved_concurrent_executions',
    },
  },
  tokenRevocation: {
    name: 'token_revocation',
    fields: {
      callerClientIds: 'caller_client_ids',
      callerScope: 'caller_scope',
      memorySize: 'memory_size',
      timeoutSeconds: 'timeout_seconds',
      reservedConcurrentExecutions: 'reserved_concurrent_executions',
    },
  },
  sharedSignals: {
    name: 'shared_signals',
    fields: {
      issuer: 'issuer',
      audience: 'audience',
      jwksUri: 'jwks_uri',
      metadataUrl: 'metadata_url',
      algorithms: 'algorithms',
      providerName: 'provider_name',
      maxBodyBytes: 'max_body_bytes',
      memorySize: 'memory_size',
      timeout: 'timeout',
      reservedConcurrentExecutions: 'reserved_concurrent_executions',
      httpApis: 'http_apis',
      restApis: 'rest_apis',
      routeKey: 'route_key',
      parentResourceId: 'parent_resource_id',
      pathPart: 'path_part',
      setMaxAgeSeconds: 'set_max_age_seconds',
    },
    nestedMaps: ['http_apis', 'rest_apis'],
  },
  globalTokenRevocation: {
    name: 'global_token_revocation',
    fields: {
      issuer: 'issuer',
      audience: 'audience',
      jwksUri: 'jwks_uri',
      metadataUrl: 'metadata_url',
      algorithms: 'algorithms',
      providerName: 'provider_name',
      maxBodyBytes: 'max_body_bytes',
      memorySize: 'memory_size',
      timeout: 'timeout',
      reservedConcurrentExecutions: 'reserved_concurrent_executions',
      httpApis: 'http_apis',
      restApis: 'rest_apis',
      routeKey: 'route_key',
      parentResourceId: 'parent_resource_id',
      pathPart: 'path_part',
      scope: 'scope',
    },
    nestedMaps: ['http_apis', 'rest_apis'],
  },
  chainedPreTokenGenerationFunctionArn: { name: 'chained_pre_token_generation_function_arn' },
  chainedTriggerTimeoutMs: { name: 'chained_trigger_timeout_ms' },
  alarmSnsTopicArn: { name: 'alarm_sns_topic_arn' },
  alarmPeriodSeconds: { name: 'alarm_period_seconds' },
  alarmStoreErrorThreshold: { name: 'alarm_store_error_threshold' },
  createDashboard: { name: 'create_dashboard' },
  decisionLogSampleRate: { name: 'decision_log_sample_rate' },
  metricsFlushDecisions: { name: 'metrics_flush_decisions' },
};

/** Every output getter → its Terraform output. */
export const OUTPUTS = {
  tableName: 'table_name',
  tableArn: 'table_arn',
  authorizerFunctionName: 'authorizer_function_name',
  authorizerFunctionArn: 'authorizer_function_arn',
  authorizerInvokeArn: 'authorizer_invoke_arn',
  restApiAuthorizerIds: 'rest_api_authorizer_ids',
  httpApiAuthorizerIds: 'http_api_authorizer_ids',
  authorizerPermissionSourceArns: 'authorizer_permission_source_arns',
  tokenTriggerFunctionName: 'token_trigger_function_name',
  tokenTriggerFunctionArn: 'token_trigger_function_arn',
  preTokenGenerationConfig: 'pre_token_generation_config',
  userPoolArn: 'user_pool_arn',
  adminSignoutFunctionName: 'admin_signout_function_name',
  adminSignoutFunctionArn: 'admin_signout_function_arn',
  adminInvokePolicyJson: 'admin_invoke_policy_json',
  functionNames: 'function_names',
  roleArns: 'role_arns',
  rolePolicies: 'role_policies',
  logGroupNames: 'log_group_names',
  automaticRevocation: 'automatic_revocation',
  logout: 'logout',
  introspection: 'introspection',
  tokenRevocation: 'token_revocation',
  sharedSignals: 'shared_signals',
  globalTokenRevocation: 'global_token_revocation',
  triggerChain: 'trigger_chain',
  alarmArns: 'alarm_arns',
  dashboardName: 'dashboard_name',
  moduleVersion: 'module_version',
} as const;

function renameFields(value: unknown, fields: Readonly<Record<string, string>>): unknown {
  if (value === null || typeof value !== 'object' || Token.isUnresolved(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    const name = fields[key];
    if (name === undefined)
      throw new Error(`Unknown field ${key}; expected one of ${Object.keys(fields).join(', ')}`);
    out[name] = v;
  }
  return out;
}

/** The props as the module's variables: snake_case names, undefined props left out so module defaults apply. */
export function toModuleVariables(inputs: CognitoRevocationInputs): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const [prop, spec] of Object.entries(VARIABLES) as [keyof CognitoRevocationInputs, VariableSpec][]) {
    const value: unknown = inputs[prop];
    if (value === undefined) continue;
    let converted: unknown = value;
    if (spec.fields) {
      converted = renameFields(value, spec.fields);
      const fields = spec.fields;
      for (const nested of spec.nestedMaps ?? []) {
        const map = (converted as Record<string, unknown>)[nested];
        if (map && typeof map === 'object' && !Token.isUnresolved(map))
          (converted as Record<string, unknown>)[nested] = Object.fromEntries(
            Object.entries(map as Record<string, unknown>).map(([k, v]) => [k, renameFields(v, fields)]),
          );
      }
    } else if (spec.eachValue && !Token.isUnresolved(value)) {
      const fields = spec.eachValue;
      const keys = spec.keys;
      converted = Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => {
            const key = keys ? keys[k] : k;
            if (key === undefined)
              throw new Error(`Unknown key ${k}; expected one of ${Object.keys(keys ?? {}).join(', ')}`);
            return [key, renameFields(v, fields)];
          }),
      );
    } else if (spec.eachItem && Array.isArray(value)) {
      const fields = spec.eachItem;
      converted = value.map((v) => renameFields(v, fields));
    }
    variables[spec.name] = converted;
  }
  return variables;
}

function isLocalPath(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || isAbsolute(source);
}

/** A local module path relative to where the stack is synthesized (`<outdir>/stacks/<stack id>`). */
function sourceForStack(scope: Construct, source: string): string {
  const stack = TerraformStack.of(scope);
  const stackDir = resolve(App.of(scope).outdir, 'stacks', stack.node.id);
  const rel = relative(stackDir, resolve(source)).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The `cognito_revocation` module: blocklist table, authorizer, token trigger, admin signout, API authorizers. */
export class CognitoRevocation extends Construct {
  /** The underlying module block, for escape hatches (`addOverride`). */
  public readonly module: TerraformHclModule;

  constructor(scope: Construct, id: string, props: CognitoRevocationProps) {
    super(scope, id);
    const { source, version, providers, dependsOn, ...inputs } = props;
    const local = isLocalPath(source);
    this.module = new TerraformHclModule(this, 'module', {
      source: local ? sourceForStack(this, source) : source,
      ...(version === undefined ? {} : { version }),
      ...(providers === undefined ? {} : { providers }),
      ...(dependsOn === undefined ? {} : { dependsOn }),
      // A local module is referenced in place, not copied into cdktf.out/assets (it would copy its dist/ too).
      skipAssetCreationFromLocalModules: local,
      variables: toModuleVariables(inputs),
    });
  }

  private str(output: (typeof OUTPUTS)[keyof typeof OUTPUTS]): string {
    return this.module.getString(output);
  }

  private map(output: (typeof OUTPUTS)[keyof typeof OUTPUTS]): Record<string, string> {
    return Token.asStringMap(this.module.get(output));
  }

  get tableName(): string {
    return this.str(OUTPUTS.tableName);
  }
  get tableArn(): string {
    return this.str(OUTPUTS.tableArn);
  }
  get authorizerFunctionName(): string {
    return this.str(OUTPUTS.authorizerFunctionName);
  }
  get authorizerFunctionArn(): string {
    return this.str(OUTPUTS.authorizerFunctionArn);
  }
  get authorizerInvokeArn(): string {
    return this.str(OUTPUTS.authorizerInvokeArn);
  }
  /** Authorizer id per `restApis` key (a token map; index it with {@link restApiAuthorizerId}). */
  get restApiAuthorizerIds(): Record<string, string> {
    return this.map(OUTPUTS.restApiAuthorizerIds);
  }
  /** Authorizer id per `httpApis` key (a token map; index it with {@link httpApiAuthorizerId}). */
  get httpApiAuthorizerIds(): Record<string, string> {
    return this.map(OUTPUTS.httpApiAuthorizerIds);
  }
  get authorizerPermissionSourceArns(): Record<string, string> {
    return this.map(OUTPUTS.authorizerPermissionSourceArns);
  }
  get tokenTriggerFunctionName(): string {
    return this.str(OUTPUTS.tokenTriggerFunctionName);
  }
  /** The pool's pre-token-generation (and post-authentication) Lambda ARN. */
  get tokenTriggerFunctionArn(): string {
    return this.str(OUTPUTS.tokenTriggerFunctionArn);
  }
  /** `{ lambda_arn, lambda_version }` for the pool's `lambda_config.pre_token_generation_config`. */
  get preTokenGenerationConfig(): Record<string, string> {
    return this.map(OUTPUTS.preTokenGenerationConfig);
  }
  get userPoolArn(): string {
    return this.str(OUTPUTS.userPoolArn);
  }
  get adminSignoutFunctionName(): string {
    return this.str(OUTPUTS.adminSignoutFunctionName);
  }
  get adminSignoutFunctionArn(): string {
    return this.str(OUTPUTS.adminSignoutFunctionArn);
  }
  /** IAM policy JSON allowing `lambda:InvokeFunction` on the admin function only. */
  get adminInvokePolicyJson(): string {
    return this.str(OUTPUTS.adminInvokePolicyJson);
  }
  /** Every function's name by key (`authorizer`, `token_trigger`, …); null for a function that is off. */
  get functionNames(): Record<string, string> {
    return this.map(OUTPUTS.functionNames);
  }
  get roleArns(): Record<string, string> {
    return this.map(OUTPUTS.roleArns);
  }
  get rolePolicies(): Record<string, string> {
    return this.map(OUTPUTS.rolePolicies);
  }
  get logGroupNames(): Record<string, string> {
    return this.map(OUTPUTS.logGroupNames);
  }
  /** The automatic revocation (function, role policy, dead-letter queue, rules), or null when off. */
  get automaticRevocation(): unknown {
    return this.module.get(OUTPUTS.automaticRevocation);
  }
  /** The self-service logout (function, role policy, routes), or null when off. */
  get logout(): unknown {
    return this.module.get(OUTPUTS.logout);
  }
  /** The RFC 7662 introspection endpoint (URL, function, role policy), or null when off. */
  get introspection(): unknown {
    return this.module.get(OUTPUTS.introspection);
  }
  /** The RFC 7009 revocation endpoint (URL, function, role policy), or null when off. */
  get tokenRevocation(): unknown {
    return this.module.get(OUTPUTS.tokenRevocation);
  }
  /** The Shared Signals receiver (route, function, role policy), or null when off. */
  get sharedSignals(): unknown {
    return this.module.get(OUTPUTS.sharedSignals);
  }
  /** The Global Token Revocation endpoint (route, function, role policy), or null when off. */
  get globalTokenRevocation(): unknown {
    return this.module.get(OUTPUTS.globalTokenRevocation);
  }
  /** The chained pre-token-generation function, or null when none is chained. */
  get triggerChain(): unknown {
    return this.module.get(OUTPUTS.triggerChain);
  }
  /** The CloudWatch alarms by name (empty without an SNS topic). */
  get alarmArns(): unknown {
    return this.module.get(OUTPUTS.alarmArns);
  }
  /** The CloudWatch dashboard's name, or null. */
  get dashboardName(): unknown {
    return this.module.get(OUTPUTS.dashboardName);
  }
  /** Version of the module and of the zips it deploys. */
  get moduleVersion(): string {
    return this.str(OUTPUTS.moduleVersion);
  }

  /** The authorizer id created on the REST API of `restApis[key]`. */
  restApiAuthorizerId(key: string): string {
    return Token.asString(Fn.lookup(this.module.get(OUTPUTS.restApiAuthorizerIds), key));
  }

  /** The authorizer id created on the HTTP API of `httpApis[key]`. */
  httpApiAuthorizerId(key: string): string {
    return Token.asString(Fn.lookup(this.module.get(OUTPUTS.httpApiAuthorizerIds), key));
  }
}

/** The module's root directory when the binding is used from a checkout of this repository. */
export const MODULE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
