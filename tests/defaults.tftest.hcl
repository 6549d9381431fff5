# The module with its defaults and one API of each kind (every opt-in feature off), against a mocked AWS provider
# (no credentials, no network). `command = apply` on a mock provider makes every computed value known, so ARNs can
# be compared.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j", "1a2b3c4d5e6f7g8h9i0j1k2l3m"]
  rest_apis = {
    orders = { rest_api_id = "a1b2c3d4e5" }
  }
  http_apis = {
    catalog = { api_id = "f6g7h8i9j0" }
  }
}

run "defaults_environment_authorizers_and_wiring_outputs" {
  command = apply

  assert {
    condition = module.function["authorizer"].environment == tomap({
      USER_POOL_ID                 = "eu-west-1_AbCdEf123"
      CLIENT_IDS                   = "4b7kq0mv9n2l3c8d5e6f1g0h2j,1a2b3c4d5e6f7g8h9i0j1k2l3m"
      TOKEN_USE                    = "any"
      TABLE_NAME                   = "cognito-revocation-blocklist"
      SESSION_CLAIM                = "revocation_sid"
      FAIL_MODE                    = "closed"
      STORE_TIMEOUT_MS             = "800"
      STORE_MAX_ATTEMPTS           = "2"
      CONSISTENT_READ              = "true"
      REVOCATION_STALENESS_SECONDS = "0"
      REVOCATION_MAX_AGE_SECONDS   = "600"
      HTTP_API_RESPONSE_MODE       = "simple"
      JWKS_URI                     = ""
      LOG_LEVEL                    = "info"
      METRICS_NAMESPACE            = "CognitoRevocation"
      DECISION_LOG_SAMPLE_RATE     = "0.01"
      METRICS_FLUSH_DECISIONS      = "1000"
    })
    error_message = "Authorizer environment: ${jsonencode(module.function["authorizer"].environment)}"
  }

  assert {
    condition = module.token_trigger.environment == tomap({
      TABLE_NAME                 = "cognito-revocation-blocklist"
      SESSION_CLAIM              = "revocation_sid"
      TOKEN_LIFETIME_SECONDS     = "86400"
      STORE_TIMEOUT_MS           = "300"
      CHAINED_TRIGGER_FUNCTION   = ""
      CHAINED_TRIGGER_TIMEOUT_MS = "3000"
      LOG_LEVEL                  = "info"
      METRICS_NAMESPACE          = "CognitoRevocation"
    })
    error_message = "Token trigger environment: ${jsonencode(module.token_trigger.environment)}"
  }

  assert {
    condition = module.function["admin_signout"].environment == tomap({
      TABLE_NAME                     = "cognito-revocation-blocklist"
      USER_POOL_ID                   = "eu-west-1_AbCdEf123"
      TOKEN_LIFETIME_SECONDS         = "86400"
      REFRESH_TOKEN_LIFETIME_SECONDS = "315360000"
      COGNITO_SESSION_MANAGEMENT     = "false"
      CACHE_FLUSH_TARGETS            = "[]"
      LOG_LEVEL                      = "info"
      METRICS_NAMESPACE              = "CognitoRevocation"
    })
    error_message = "Admin signout environment: ${jsonencode(module.function["admin_signout"].environment)}"
  }

  # Authorizers default to no result cache (formerly run "authorizers_default_to_no_result_cache")
  assert {
    condition = jsonencode(module.api_authorizers.rest_api_authorizers) == jsonencode({
      orders = {
        id                               = "rst123"
        name                             = "cognito-revocation-orders"
        type                             = "TOKEN"
        identity_source                  = "method.request.header.Authorization"
        authorizer_result_ttl_in_seconds = 0
      }
    })
    error_message = "REST authorizer defaults: ${jsonencode(module.api_authorizers.rest_api_authorizers)}"
  }

  assert {
    condition = jsonencode(module.api_authorizers.http_api_authorizers) == jsonencode({
      catalog = {
        id                                = "htp123"
        name                              = "cognito-revocation-catalog"
        authorizer_type                   = "REQUEST"
        authorizer_payload_format_version = "2.0"
        enable_simple_responses           = true
        identity_sources                  = ["$request.header.Authorization"]
        authorizer_result_ttl_in_seconds  = 0
      }
    })
    error_message = "HTTP authorizer defaults: ${jsonencode(module.api_authorizers.http_api_authorizers)}"
  }

  assert {
    condition     = jsonencode(output.rest_api_authorizer_ids) == jsonencode({ orders = "rst123" }) && jsonencode(output.http_api_authorizer_ids) == jsonencode({ catalog = "htp123" })
    error_message = "Authorizer ids must be output by API key."
  }

  # Outputs for wiring the pool and admin tooling (formerly run "outputs_for_wiring_the_pool_and_admin_tooling")
  assert {
    condition     = output.pre_token_generation_config.lambda_arn == "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-token-trigger" && output.pre_token_generation_config.lambda_version == "V2_0"
    error_message = "pre_token_generation_config must carry the trigger ARN and V2_0 by default."
  }

  assert {
    condition = jsondecode(output.admin_invoke_policy_json) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "InvokeCognitoRevocationAdmin"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = ["arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-admin-signout"]
      }]
    }))
    error_message = "admin_invoke_policy_json: ${output.admin_invoke_policy_json}"
  }

  assert {
    condition     = output.user_pool_arn == "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
    error_message = "user_pool_arn: ${output.user_pool_arn}"
  }

  assert {
    condition     = output.authorizer_invoke_arn == "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-authorizer/invocations"
    error_message = "authorizer_invoke_arn must be the function's invoke ARN."
  }

  # Automatic revocation is off by default (tests/automatic_revocation.tftest.hcl tests it on).
  assert {
    condition     = output.automatic_revocation == null && !contains(keys(module.function), "auto_revocation") && length(aws_cloudwatch_event_rule.cognito_calls) == 0 && length(aws_sqs_queue.auto_revocation_dlq) == 0
    error_message = "Nothing of the automatic revocation may exist while revoke_on is empty and no sweep is scheduled."
  }

  # Global Token Revocation is off by default (tests/global_token_revocation.tftest.hcl tests it on).
  assert {
    condition     = output.global_token_revocation == null && !contains(keys(module.function), "global_token_revocation") && length(module.route["global_token_revocation"].http_api_routes) == 0 && length(module.route["global_token_revocation"].rest_api_resources) == 0
    error_message = "Nothing of the endpoint may exist while global_token_revocation is null."
  }

  # Introspection is off by default (tests/introspection.tftest.hcl tests it on).
  assert {
    condition     = output.introspection == null && !contains(keys(module.function), "introspection") && length(aws_lambda_function_url.introspection) == 0
    error_message = "Nothing of the introspection endpoint may exist while introspection is null."
  }

  # Self-service logout is off by default (tests/logout.tftest.hcl tests it on).
  assert {
    condition     = output.logout == null && !contains(keys(module.function), "logout") && length(module.route["logout"].http_api_routes) == 0 && length(module.route["logout"].rest_api_resources) == 0
    error_message = "Nothing of the logout may exist while logout is null."
  }

  # Shared Signals is off by default (tests/shared_signals.tftest.hcl tests it on).
  assert {
    condition     = output.shared_signals == null && !contains(keys(module.function), "shared_signals") && length(module.route["shared_signals"].http_api_routes) == 0 && length(module.route["shared_signals"].rest_api_resources) == 0
    error_message = "Nothing of the receiver may exist while shared_signals is null."
  }

  # The token revocation endpoint is off by default (tests/token_revocation.tftest.hcl tests it on).
  assert {
    condition     = output.token_revocation == null && !contains(keys(module.function), "token_revocation") && length(aws_lambda_function_url.token_revocation) == 0
    error_message = "Nothing of the revocation endpoint may exist while token_revocation is null."
  }

  # Alarms and the dashboard are off by default (tests/monitoring.tftest.hcl tests them on).
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.single) + length(aws_cloudwatch_metric_alarm.summed) + length(aws_cloudwatch_metric_alarm.dead_letter_queue) + length(aws_cloudwatch_dashboard.this) == 0
    error_message = "Alarms or a dashboard exist although neither was asked for."
  }

  assert {
    condition     = output.alarm_arns == {} && output.dashboard_name == null
    error_message = "Outputs: ${jsonencode(output.alarm_arns)} ${jsonencode(output.dashboard_name)}"
  }

  # The module creates every role by default (tests/reviewable_iam.tftest.hcl tests central-team roles).
  assert {
    condition     = module.function["authorizer"].role_created && module.token_trigger.role_created && module.function["admin_signout"].role_created
    error_message = "By default the module creates every role."
  }
}

run "inputs_reach_the_environment" {
  command = apply

  variables {
    token_use                      = "access"
    fail_mode                      = "open"
    revocation_staleness_seconds   = 1
    store_timeout_ms               = 400
    store_max_attempts             = 3
    consistent_read                = false
    session_claim                  = "sid_v2"
    token_lifetime_seconds         = 3600
    refresh_token_lifetime_seconds = 2592000
    trigger_store_timeout_ms       = 700
    log_level                      = "warn"
    metrics_namespace              = "Acme/Revocation"
    http_api_response_mode         = "iam"
    name_prefix                    = "acme"
  }

  assert {
    condition = (
      module.function["authorizer"].environment["TOKEN_USE"] == "access" &&
      module.function["authorizer"].environment["FAIL_MODE"] == "open" &&
      module.function["authorizer"].environment["REVOCATION_STALENESS_SECONDS"] == "1" &&
      module.function["authorizer"].environment["STORE_TIMEOUT_MS"] == "400" &&
      module.function["authorizer"].environment["STORE_MAX_ATTEMPTS"] == "3" &&
      module.function["authorizer"].environment["CONSISTENT_READ"] == "false" &&
      module.function["authorizer"].environment["SESSION_CLAIM"] == "sid_v2" &&
      module.function["authorizer"].environment["LOG_LEVEL"] == "warn" &&
      module.function["authorizer"].environment["METRICS_NAMESPACE"] == "Acme/Revocation" &&
      module.function["authorizer"].environment["HTTP_API_RESPONSE_MODE"] == "iam" &&
      module.api_authorizers.http_api_authorizers.catalog.enable_simple_responses == false
    )
    error_message = "Authorizer inputs did not reach its environment: ${jsonencode(module.function["authorizer"].environment)}"
  }

  assert {
    condition = (
      module.token_trigger.environment["SESSION_CLAIM"] == "sid_v2" &&
      module.token_trigger.environment["TOKEN_LIFETIME_SECONDS"] == "3600" &&
      module.token_trigger.environment["STORE_TIMEOUT_MS"] == "700" &&
      module.function["admin_signout"].environment["TOKEN_LIFETIME_SECONDS"] == "3600" &&
      module.function["admin_signout"].environment["REFRESH_TOKEN_LIFETIME_SECONDS"] == "2592000"
    )
    error_message = "Lifetimes or session claim did not reach the trigger and admin environments."
  }

  assert {
    condition     = output.table_name == "acme-blocklist" && output.authorizer_function_name == "acme-authorizer" && output.token_trigger_function_name == "acme-token-trigger" && output.admin_signout_function_name == "acme-admin-signout"
    error_message = "name_prefix must name the table and the three functions."
  }
}

run "invoke_permissions_are_scoped_to_one_authorizer_or_pool_each" {
  command = apply

  variables {
    existing_authorizers = {
      legacy = { api_id = "k1l2m3n4o5", authorizer_id = "x9y8z7" }
    }
    appsync_api_ids = {
      graph = "abcdefghijklmnopqrstuvwxyz"
    }
  }

  assert {
    condition = jsonencode(output.authorizer_permission_source_arns) == jsonencode({
      "rest/orders"     = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/authorizers/rst123"
      "http/catalog"    = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/authorizers/htp123"
      "existing/legacy" = "arn:aws:execute-api:eu-west-1:123456789012:k1l2m3n4o5/authorizers/x9y8z7"
      "appsync/graph"   = "arn:aws:appsync:eu-west-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz"
    })
    error_message = "Authorizer permissions: ${jsonencode(output.authorizer_permission_source_arns)}"
  }

  assert {
    condition = jsonencode(module.token_trigger.permissions) == jsonencode({
      AllowCognitoUserPool = {
        principal  = "cognito-idp.amazonaws.com"
        source_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
      }
    })
    error_message = "The trigger must be invocable by Cognito from this one pool only: ${jsonencode(module.token_trigger.permissions)}"
  }

  assert {
    condition     = length(module.function["authorizer"].permissions) == 0 && length(module.function["admin_signout"].permissions) == 0
    error_message = "The admin function has no resource-based permission; the authorizer's are all in api_authorizers."
  }
}
