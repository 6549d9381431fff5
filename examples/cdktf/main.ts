/**
 * A cdktf app wiring the cognito_revocation module into a pool and a REST API managed elsewhere, with the typed
 * binding from bindings/cdktf. No generated provider bindings are needed: the module brings its resources, and the
 * stack only declares the AWS provider's version and region.
 *
 *   npm ci && npm run build                  # the Lambda zips, at the repository root
 *   npx tsx examples/cdktf/main.ts           # synthesizes into examples/cdktf/cdktf.out (or: cdktf synth)
 *   cd examples/cdktf/cdktf.out/stacks/cognito-revocation && terraform init && terraform plan
 */
import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { CognitoRevocation, MODULE_ROOT } from '../../bindings/cdktf/index.js';

export class RevocationStack extends TerraformStack {
  readonly revocation: CognitoRevocation;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // State next to the synthesized stack (cdktf's default would be an absolute path in the synthesizing directory).
    new LocalBackend(this, { path: 'terraform.tfstate' });

    const region = new TerraformVariable(this, 'region', {
      type: 'string',
      default: 'eu-west-1',
      description: 'Region of the user pool and the API.',
    });
    // The AWS provider without @cdktf/provider-aws: its version constraint and configuration as raw JSON.
    this.addOverride('terraform.required_providers.aws', { source: 'hashicorp/aws', version: '>= 5.77.0, < 7.0' });
    this.addOverride('provider.aws', [{ region: region.stringValue }]);

    const userPoolId = new TerraformVariable(this, 'user_pool_id', {
      type: 'string',
      description: 'Id of the existing user pool, e.g. eu-west-1_AbCdEf123.',
    });
    const clientIds = new TerraformVariable(this, 'client_ids', {
      type: 'list(string)',
      description: 'App client ids whose tokens the API accepts.',
    });
    const restApiId = new TerraformVariable(this, 'rest_api_id', {
      type: 'string',
      description: 'Id of the existing REST API to protect.',
    });

    this.revocation = new CognitoRevocation(this, 'cognito_revocation', {
      // From a checkout: the repository itself. Elsewhere: 'github.com/<org>/cognito-revocation?ref=<tag>' and
      // packageDir pointing at the zips of `npm run build`.
      source: MODULE_ROOT,
      userPoolId: userPoolId.stringValue,
      clientIds: clientIds.listValue,
      restApis: {
        orders: { restApiId: restApiId.stringValue, type: 'TOKEN', authorizerResultTtlInSeconds: 0 },
      },
      tokenLifetimeSeconds: 3600,
      refreshTokenLifetimeSeconds: 30 * 86400,
      memorySize: { authorizer: 1024 },
      tags: { App: 'orders' },
    });

    new TerraformOutput(this, 'pre_token_generation_config', {
      description: "For the pool's lambda_config.pre_token_generation_config.",
      value: this.revocation.preTokenGenerationConfig,
    });
    new TerraformOutput(this, 'orders_authorizer_id', {
      description: 'Set authorization = "CUSTOM" and this authorizer_id on the REST API methods.',
      value: this.revocation.restApiAuthorizerId('orders'),
    });
    new TerraformOutput(this, 'admin_invoke_policy_json', {
      description: 'IAM policy for the admin tooling.',
      value: this.revocation.adminInvokePolicyJson,
    });
  }
}

/** Synthesizes the app into `outdir` (default: `CDKTF_OUTDIR` as set by `cdktf synth`, else ./cdktf.out next to this file). */
export function synthesize(outdir?: string): App {
  const app = new App({ outdir: outdir ?? process.env.CDKTF_OUTDIR ?? `${MODULE_ROOT}/examples/cdktf/cdktf.out` });
  new RevocationStack(app, 'cognito-revocation');
  app.synth();
  return app;
}

if (process.argv[1] && /examples[\\/]cdktf[\\/]main\.ts$/.test(process.argv[1])) {
  synthesize();
}
