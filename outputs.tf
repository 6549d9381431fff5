################################################################################
# Table
################################################################################

output "table_name" {
  description = "Name of the blocklist DynamoDB table (this instance's, or `existing_table_name`)."
  value       = var.create ? local.table_name : null
}

output "table_arn" {
  description = "ARN of the blocklist DynamoDB table in this region (the local replica when `existing_table_name` is set)."
  value       = var.create ? local.table_arn : null
}

################################################################################
# Authorizer
################################################################################

output "authorizer_function_name" {
  description = "Name of the authorizer Lambda function."
  value       = module.function["authorizer"].function_name
}

output "authorizer_function_arn" {
  description = "ARN of the authorizer Lambda function (AppSync `lambda_authorizer_config.authorizer_function_arn`)."
  value       = module.function["authorizer"].function_arn
}

output "authorizer_invoke_arn" {
  description = "Invoke ARN of the authorizer function: the `authorizer_uri` of authorizers you manage yourself (see `existing_authorizers`)."
  value       = module.function["authorizer"].invoke_arn
}

output "rest_api_authorizer_ids" {
  description = "Id of the authorizer created on each REST API, by `rest_apis` key: set `authorization = \"CUSTOM\"` and `authorizer_id` on your methods."
  value       = module.api_authorizers.rest_api_authorizer_ids
}

output "http_api_authorizer_ids" {
  description = "Id of the authorizer created on each HTTP API, by `http_apis` key: set `authorization_type = \"CUSTOM\"` and `authorizer_id` on your routes."
  value       = module.api_authorizers.http_api_authorizer_ids
}

output "authorizer_permission_source_arns" {
  description = "Every source ARN API Gateway or AppSync may invoke the authorizer from, by `rest/<key>`, `http/<key>`, `existing/<key>`, `appsync/<key>`."
  value       = module.api_authorizers.permission_source_arns
}

################################################################################
# Token trigger
################################################################################

output "token_trigger_function_name" {
  description = "Name of the token trigger Lambda function."
  value       = module.token_trigger.function_name
}

output "token_trigger_function_arn" {
  description = "ARN of the token trigger: the pool's `lambda_config` pre-token-generation (and optionally `post_authentication`) Lambda."
  value       = module.token_trigger.function_arn
}

output "pre_token_generation_config" {
  description = "Object to put in the pool's `lambda_config { pre_token_generation_config { ... } }`: `lambda_arn` and `lambda_version` (`pre_token_generation_event_version`)."
  value = var.create ? {
    lambda_arn     = module.token_trigger.function_arn
    lambda_version = var.pre_token_generation_event_version
  } : null
}

output "user_pool_arn" {
  description = "ARN of the user pool, as the module scoped the trigger permission and the admin role to it."
  value       = local.user_pool_arn

  # A token trigger must live in the pool's region, and the pool's ARN (trigger permission, admin role) is built
  # with this account. Only a second-region instance reading a global table (existing_table_name) protects APIs
  # of another region than the pool's (docs/multi-region.md).
  precondition {
    condition     = !var.create || var.existing_table_name != null || local.pool_region == local.region
    error_message = "user_pool_id ${var.user_pool_id} is in ${local.pool_region} but the AWS provider deploys to ${local.region}: configure the provider for ${local.pool_region} (or, for a second region that reads the global table of the pool's region, set existing_table_name; see docs/multi-region.md)."
  }

  # A second-region instance (existing_table_name) only verifies tokens. Cognito's CloudTrail events reach
  # EventBridge only in the pool's region, so its rules would never match; and revocations run in the pool's
  # region, whose functions can flush only that region's stages, so its flush list would never be used by a
  # revocation (a logout of its own aside).
  precondition {
    condition     = !var.create || local.pool_region == local.region || (length(var.revoke_on) == 0 && var.revocation_sweep_schedule == null && (length(local.cache_flush_targets) == 0 || var.logout != null))
    error_message = "user_pool_id ${var.user_pool_id} is in ${local.pool_region} but this instance deploys to ${local.region}: revoke_on and revocation_sweep_schedule would never fire here (Cognito's events and users live in ${local.pool_region}), and cache_flush_rest_api_stages / cache_flush_http_api_stages would never be flushed by a revocation (they run in ${local.pool_region}). Set them on the instance in ${local.pool_region}; in this region keep the authorizer cache TTL at 0 or use revocation_staleness_seconds (docs/multi-region.md)."
  }
}

################################################################################
# Admin signout
################################################################################

output "admin_signout_function_name" {
  description = "Name of the admin signout Lambda function (the CLI's `--function`)."
  value       = module.function["admin_signout"].function_name
}

output "admin_signout_function_arn" {
  description = "ARN of the admin signout Lambda function."
  value       = module.function["admin_signout"].function_arn
}

output "admin_invoke_policy_json" {
  description = "IAM policy document (JSON) allowing `lambda:InvokeFunction` on the admin signout function only: attach it to the role or group of your admin tooling."
  value = var.create ? jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "InvokeCognitoRevocationAdmin"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = [module.function["admin_signout"].function_arn]
    }]
  }) : null
}

################################################################################
# Roles and logs
################################################################################

# Keyed by every function (`authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout`); a function
# that is off maps to null, so `role_arns.logout` never fails to evaluate. Empty maps with `create = false`.

output "function_names" {
  description = "Name of each Lambda function, by `authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout` (null when that function is off)."
  value       = var.create ? { for key in local.keyed_functions : key => contains(keys(local.function_modules), key) ? local.function_modules[key].function_name : null } : {}
}

output "role_arns" {
  description = "Execution role ARN of each function, by `authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout` (null when that function is off)."
  value       = var.create ? { for key in local.keyed_functions : key => contains(keys(local.function_modules), key) ? local.function_modules[key].role_arn : null } : {}
}

output "role_policies" {
  description = "Inline policy document (JSON) of each function's role, by `authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout` (null when that function is off): the complete list of what each may do."
  value       = var.create ? { for key in local.keyed_functions : key => contains(keys(local.function_modules), key) ? local.function_modules[key].policy_json : null } : {}
}

output "log_group_names" {
  description = "CloudWatch log group of each function, by `authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout` (null when that function is off)."
  value       = var.create ? { for key in local.keyed_functions : key => contains(keys(local.function_modules), key) ? local.function_modules[key].log_group_name : null } : {}
}

################################################################################
# Automatic revocation (automatic_revocation.tf)
################################################################################

output "automatic_revocation" {
  description = "The automatic revocation, when enabled (`revoke_on` or `revocation_sweep_schedule`): function name and ARN, its role policy, the dead-letter queue, the rules. `null` when off."
  value = local.auto_revocation_enabled ? {
    function_name  = module.function["auto_revocation"].function_name
    function_arn   = module.function["auto_revocation"].function_arn
    role_policy    = module.function["auto_revocation"].policy_json
    dlq_arn        = aws_sqs_queue.auto_revocation_dlq[0].arn
    dlq_url        = aws_sqs_queue.auto_revocation_dlq[0].id
    event_rule_arn = one(aws_cloudwatch_event_rule.cognito_calls[*].arn)
    event_pattern  = one(aws_cloudwatch_event_rule.cognito_calls[*].event_pattern)
    sweep_rule_arn = one(aws_cloudwatch_event_rule.revocation_sweep[*].arn)
    sweep_schedule = var.revocation_sweep_schedule
    revoke_on      = var.revoke_on
    # Add to the policy of dead_letter_queue_kms_key_arn (null with SSE-SQS).
    dead_letter_queue_key_policy_statement = local.dead_letter_key_policy_statement == null ? null : jsonencode(local.dead_letter_key_policy_statement)
  } : null
}

################################################################################
# Self-service logout (logout.tf)
################################################################################

output "logout" {
  description = "The self-service logout, when enabled: function name and ARN, its role policy, the HTTP API route ids and REST resource ids by API key. `null` when off."
  value = local.logout_enabled ? {
    function_name     = module.function["logout"].function_name
    function_arn      = module.function["logout"].function_arn
    role_policy       = module.function["logout"].policy_json
    http_api_routes   = { for k, r in module.route["logout"].http_api_routes : k => { id = r.id, route_key = r.route_key } }
    rest_api_resource = { for k, r in module.route["logout"].rest_api_resources : k => { id = r.id, path_part = r.path_part } }
    permissions       = module.function["logout"].permissions
  } : null

  # A key that names none of this module's APIs got no route (routes.tf): the plan fails here, with the key.
  precondition {
    condition     = length(local.route_unknown_apis.logout) == 0
    error_message = "${join(", ", local.route_unknown_apis.logout)}: logout.http_apis keys must be keys of http_apis, logout.rest_apis keys keys of rest_apis (the route is protected by this module's authorizer on that API)."
  }
}

################################################################################
# Release (release.tf)
################################################################################

output "module_version" {
  description = "Version of this module, which is the version of the Lambda zips it deploys (checked at plan against `dist/build.json`)."
  value       = local.module_version

  precondition {
    condition     = local.package_problem == null
    error_message = coalesce(local.package_problem, "-")
  }
}

output "trigger_chain" {
  description = "The chained pre-token-generation function, when set: its ARN, the deadline and the extra policy (JSON) on the token trigger's role. `null` when no function is chained."
  value = var.create && local.trigger_chained ? {
    function_arn = var.chained_pre_token_generation_function_arn
    timeout_ms   = var.chained_trigger_timeout_ms
    policy_json  = local.trigger_chain_policy_json
  } : null
}

output "alarm_arns" {
  description = "ARN of each CloudWatch alarm the module created, by name suffix (`fail-open`, `store-errors`, `cache-flush-failed`, `hint-unwritten`, `trigger-errors`, `chained-trigger-failed`, `revocation-dead-letters`, `sweep-incomplete`). Empty when `alarm_sns_topic_arn` is null."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.single : k => a.arn },
    { for k, a in aws_cloudwatch_metric_alarm.summed : k => a.arn },
    { for a in aws_cloudwatch_metric_alarm.dead_letter_queue : "revocation-dead-letters" => a.arn },
  )
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard, when `create_dashboard` is true; null otherwise."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}

output "introspection" {
  description = "The RFC 7662 introspection endpoint, when enabled: its URL, function name and ARN, and its role policy. `null` when off."
  value = local.introspection_enabled ? {
    url           = aws_lambda_function_url.introspection[0].function_url
    function_name = module.function["introspection"].function_name
    function_arn  = module.function["introspection"].function_arn
    role_policy   = module.function["introspection"].policy_json
  } : null
}

output "token_revocation" {
  description = "The RFC 7009 revocation endpoint, when enabled: its URL, function name and ARN, and its role policy. `null` when off."
  value = local.token_revocation_enabled ? {
    url           = aws_lambda_function_url.token_revocation[0].function_url
    function_name = module.function["token_revocation"].function_name
    function_arn  = module.function["token_revocation"].function_arn
    role_policy   = module.function["token_revocation"].policy_json
  } : null
}

output "shared_signals" {
  description = "The Shared Signals receiver, when enabled: function name and ARN, its role policy, the HTTP API route ids and REST resource ids by API key, its invoke permissions. `null` when off."
  value = local.shared_signals_enabled ? {
    function_name     = module.function["shared_signals"].function_name
    function_arn      = module.function["shared_signals"].function_arn
    role_policy       = module.function["shared_signals"].policy_json
    http_api_routes   = { for k, r in module.route["shared_signals"].http_api_routes : k => { id = r.id, route_key = r.route_key } }
    rest_api_resource = { for k, r in module.route["shared_signals"].rest_api_resources : k => { id = r.id, path_part = r.path_part } }
    permissions       = module.function["shared_signals"].permissions
  } : null

  # A key that names none of this module's APIs got no route (routes.tf): the plan fails here, with the key.
  precondition {
    condition     = length(local.route_unknown_apis.shared_signals) == 0
    error_message = "${join(", ", local.route_unknown_apis.shared_signals)}: shared_signals.http_apis keys must be keys of http_apis, shared_signals.rest_apis keys keys of rest_apis."
  }
}

output "global_token_revocation" {
  description = "The Global Token Revocation endpoint, when enabled: function name and ARN, its role policy, the HTTP API route ids and REST resource ids by API key, its invoke permissions. `null` when off."
  value = local.global_token_revocation_enabled ? {
    function_name     = module.function["global_token_revocation"].function_name
    function_arn      = module.function["global_token_revocation"].function_arn
    role_policy       = module.function["global_token_revocation"].policy_json
    http_api_routes   = { for k, r in module.route["global_token_revocation"].http_api_routes : k => { id = r.id, route_key = r.route_key } }
    rest_api_resource = { for k, r in module.route["global_token_revocation"].rest_api_resources : k => { id = r.id, path_part = r.path_part } }
    permissions       = module.function["global_token_revocation"].permissions
  } : null

  # A key that names none of this module's APIs got no route (routes.tf): the plan fails here, with the key.
  precondition {
    condition     = length(local.route_unknown_apis.global_token_revocation) == 0
    error_message = "${join(", ", local.route_unknown_apis.global_token_revocation)}: global_token_revocation.http_apis keys must be keys of http_apis, global_token_revocation.rest_apis keys keys of rest_apis."
  }
}
