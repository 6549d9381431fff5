# Bad inputs fail at plan with a message that says what to do, before anything reaches AWS.
#
# Each plan costs a whole module evaluation, so the bad values are grouped: one run sets several of them, one per
# variable, and lists every one of those variables in `expect_failures`. That keeps every case able to fail the
# file on its own: `terraform test` fails a run when a listed variable's validation does not fail, and when
# anything not listed fails. It is sound because no validation in the root variables.tf reads another variable
# (nor a local, a resource or a module), so one variable's bad value cannot hide or cause another's failure. Two
# cases of the same variable never share a run (the first failure would hide the second), so there are as many
# runs as the variable with the most cases has (rest_apis: 7). Each former run's name is kept in a comment on its
# value.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

# Pool and claims, with the first cache-TTL cases of each API kind.
run "bad_pool_claims_and_cache_ttl_above_range" {
  command = plan
  variables {
    # pool_arn_instead_of_pool_id: the pool's ARN where its id is wanted
    user_pool_id = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
    # no_client_ids: an empty client list
    client_ids = []
    # unknown_token_use: a token use Cognito never issues
    token_use = "refresh"
    # reserved_session_claim: a claim name Cognito or the module already uses
    session_claim = "origin_jti"
    # unknown_event_version: a pre token generation event version that does not exist
    pre_token_generation_event_version = "V4_0"
    # rest_cache_ttl_above_3600: REST API cache TTL above API Gateway's maximum
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = 3601 } }
    # http_cache_ttl_above_3600: HTTP API cache TTL above API Gateway's maximum
    http_apis = { catalog = { api_id = "f6g7h8i9j0", authorizer_result_ttl_in_seconds = 7200 } }
    # metrics_flush_decisions_0: a flush after 0 decisions
    metrics_flush_decisions = 0
    # token_lifetime_below_cognito_minimum: below Cognito's 5-minute minimum
    token_lifetime_seconds = 299
    # decision_log_sample_rate_below_0: a sample rate below 0
    decision_log_sample_rate = -0.01
  }
  expect_failures = [
    var.user_pool_id,
    var.client_ids,
    var.token_use,
    var.session_claim,
    var.pre_token_generation_event_version,
    var.rest_apis,
    var.http_apis,
    var.metrics_flush_decisions,
    var.token_lifetime_seconds,
    var.decision_log_sample_rate,
  ]
}

# The other doors, with malformed API ids and identity sources.
run "bad_doors_and_identity_sources" {
  command = plan
  variables {
    # duplicate_client_ids: the same client twice
    client_ids = ["4b7kq0mv9n2l3c8d5e6f1g0h2j", "4b7kq0mv9n2l3c8d5e6f1g0h2j"]
    # existing_authorizer_wildcard: `*` where an authorizer id is wanted
    existing_authorizers = { legacy = { api_id = "k1l2m3n4o5", authorizer_id = "*" } }
    # appsync_arn_instead_of_id: an AppSync API's ARN where its id is wanted
    appsync_api_ids = { graph = "arn:aws:appsync:eu-west-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz" }
    # unknown_http_api_response_mode: a response mode the HTTP API authorizer does not have
    http_api_response_mode = "v2"
    # cache_flush_stage_wildcard: `*` where a REST API stage name is wanted
    cache_flush_rest_api_stages = { main = { rest_api_id = "a1b2c3d4e5", stages = ["*"] } }
    # rest_cache_ttl_negative: a negative REST API cache TTL
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = -1 } }
    # http_identity_source_in_rest_syntax: a REST API identity source given to an HTTP API
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = ["method.request.header.Authorization"] } }
    # metrics_flush_decisions_above_1000: a flush after more than 1000 decisions
    metrics_flush_decisions = 1001
    # token_lifetime_above_one_day: above Cognito's one-day maximum
    token_lifetime_seconds = 86401
    # decision_log_sample_rate_above_1: a sample rate above 1
    decision_log_sample_rate = 1.01
  }
  expect_failures = [
    var.client_ids,
    var.existing_authorizers,
    var.appsync_api_ids,
    var.http_api_response_mode,
    var.cache_flush_rest_api_stages,
    var.rest_apis,
    var.http_apis,
    var.metrics_flush_decisions,
    var.token_lifetime_seconds,
    var.decision_log_sample_rate,
  ]
}

# Lifetimes, staleness and the fail mode.
run "bad_lifetimes_staleness_and_fail_mode" {
  command = plan
  variables {
    # refresh_lifetime_above_ten_years: above Cognito's ten-year maximum
    refresh_token_lifetime_seconds = 315360001
    # unknown_fail_mode: a fail mode other than closed or open
    fail_mode = "permissive"
    # revocation_staleness_above_10: more than 10 seconds of staleness
    revocation_staleness_seconds = 11
    # revocation_max_age_below_10: a revocation list refreshed more often than every 10 seconds
    revocation_max_age_seconds = 5
    # rest_api_name_instead_of_id: a REST API's name where its id is wanted
    rest_apis = { orders = { rest_api_id = "orders-api" } }
    # http_cache_without_identity_source: an HTTP API cache with nothing to key it by
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = [], authorizer_result_ttl_in_seconds = 60 } }
    # metrics_flush_decisions_fractional: a fractional number of decisions
    metrics_flush_decisions = 10.5
  }
  expect_failures = [
    var.refresh_token_lifetime_seconds,
    var.fail_mode,
    var.revocation_staleness_seconds,
    var.revocation_max_age_seconds,
    var.rest_apis,
    var.http_apis,
    var.metrics_flush_decisions,
  ]
}

# The store's timeouts and retries, and the HTTP API cache flush.
run "bad_store_timeouts_and_http_flush" {
  command = plan
  variables {
    # store_timeout_out_of_range: a store timeout below 50 ms
    store_timeout_ms = 10
    # store_attempts_out_of_range: more than 5 store attempts
    store_max_attempts = 6
    # trigger_timeout_above_cognito_budget: a trigger store timeout beyond Cognito's trigger budget
    trigger_store_timeout_ms = 5000
    # cache_flush_http_api_by_name: an HTTP API's name where its id is wanted
    cache_flush_http_api_stages = { main = { api_id = "my-api", stages = ["$default"] } }
    # rest_cognito_authorizer_type: a COGNITO_USER_POOLS authorizer, which cannot revoke
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", type = "COGNITO_USER_POOLS" } }
    # Security review finding 1: with a result cache, the cache key must contain the token (docs/security.md).
    # http_cache_keyed_without_the_token: an HTTP API cache keyed by another header
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = ["$request.header.X-Tenant"], authorizer_result_ttl_in_seconds = 300 } }
  }
  expect_failures = [
    var.store_timeout_ms,
    var.store_max_attempts,
    var.trigger_store_timeout_ms,
    var.cache_flush_http_api_stages,
    var.rest_apis,
    var.http_apis,
  ]
}

# The functions' runtime, architecture, memory and timeouts.
run "bad_function_settings" {
  command = plan
  variables {
    # unsupported_runtime: a Node.js runtime the bundles do not target
    runtime = "nodejs18.x"
    # unknown_architecture: an architecture Lambda does not have
    architecture = "arm"
    # memory_out_of_range: below Lambda's 128 MB minimum
    memory_size = { authorizer = 64 }
    # trigger_timeout_above_five_seconds: a trigger timeout beyond Cognito's 5-second wait
    timeout_seconds = { token_trigger = 6 }
    # rest_token_authorizer_with_query_identity: a TOKEN authorizer reading a query string
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", identity_source = "method.request.querystring.token" } }
    # Security review finding 1: with a result cache, the cache key must contain the token (docs/security.md).
    # http_cache_keyed_by_context_only: an HTTP API cache keyed by the route alone
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = ["$context.routeKey"], authorizer_result_ttl_in_seconds = 60 } }
  }
  expect_failures = [
    var.runtime,
    var.architecture,
    var.memory_size,
    var.timeout_seconds,
    var.rest_apis,
    var.http_apis,
  ]
}

# Logs and metrics.
run "bad_logs_and_metrics" {
  command = plan
  variables {
    # log_retention_not_allowed_by_cloudwatch: a retention CloudWatch Logs does not offer
    log_retention_in_days = 10
    # log_level_unknown: a log level the functions do not have
    log_level = "trace"
    # reserved_metrics_namespace: a namespace AWS reserves for itself
    metrics_namespace = "AWS/Lambda"
    # Security review finding 1: with a result cache, the cache key must contain the token (docs/security.md).
    # rest_request_cache_keyed_without_the_token: a REST REQUEST authorizer cache keyed by the method alone
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "context.httpMethod", authorizer_result_ttl_in_seconds = 300 } }
  }
  expect_failures = [
    var.log_retention_in_days,
    var.log_level,
    var.metrics_namespace,
    var.rest_apis,
  ]
}

# Encryption, replicas and naming.
run "bad_encryption_replicas_and_naming" {
  command = plan
  variables {
    # kms_alias_instead_of_key_arn: a KMS alias where a key ARN is wanted
    kms_key_arn = "alias/revocation"
    # replica_region_typo: a region name that is not one
    table_replicas = [{ region_name = "eu-central" }]
    # name_prefix_too_long: a prefix that would overflow the 64-character role name
    name_prefix = "a-very-long-prefix-that-would-overflow-the-64-character-role-name"
    # Security review finding 1: with a result cache, the cache key must contain the token (docs/security.md).
    # rest_request_cache_keyed_by_another_header: a REST REQUEST authorizer cache keyed by a header and a query string
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "method.request.header.X-Tenant, method.request.querystring.id", authorizer_result_ttl_in_seconds = 1 } }
  }
  expect_failures = [
    var.kms_key_arn,
    var.table_replicas,
    var.name_prefix,
    var.rest_apis,
  ]
}

# Good inputs next to the bad ones: accepted and passed through.

run "cache_keys_with_the_token_or_no_cache_are_accepted" {
  command = plan
  variables {
    rest_apis = {
      # Header names are case-insensitive; the token header may come with other sources.
      cached   = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "context.httpMethod,method.request.header.authorization", authorizer_result_ttl_in_seconds = 300 }
      uncached = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "context.httpMethod", authorizer_result_ttl_in_seconds = 0 }
      # A TOKEN authorizer's one identity source is the token header, whatever its name.
      token = { rest_api_id = "a1b2c3d4e5", identity_source = "method.request.header.X-Token", authorizer_result_ttl_in_seconds = 300 }
    }
    http_apis = {
      cached   = { api_id = "f6g7h8i9j0", identity_sources = ["$context.routeKey", "$request.header.Authorization"], authorizer_result_ttl_in_seconds = 300 }
      uncached = { api_id = "f6g7h8i9j0", identity_sources = ["$context.routeKey"] }
    }
    # Cached authorizers without a flush would (rightly) raise the plan's cache warning.
    cache_flush_rest_api_stages = { cached = { rest_api_id = "a1b2c3d4e5", stages = ["prod"] } }
    cache_flush_http_api_stages = { cached = { api_id = "f6g7h8i9j0", stages = ["$default"] } }
  }
  assert {
    condition     = length(module.api_authorizers.rest_api_authorizers) == 3 && length(module.api_authorizers.http_api_authorizers) == 2
    error_message = "Cache keys holding the token, and authorizers without a cache, are accepted."
  }
}

run "valid_edge_inputs_are_accepted" {
  command = apply
  variables {
    rest_apis            = { orders = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "method.request.header.Authorization, context.httpMethod", authorizer_result_ttl_in_seconds = 3600 } }
    http_apis            = { catalog = { api_id = "f6g7h8i9j0", authorizer_result_ttl_in_seconds = 300 } }
    existing_authorizers = { legacy = { api_id = "k1l2m3n4o5", authorizer_id = "x9y8z7" } }
    # These caches are flushed, or the plan's cache warning would be raised.
    cache_flush_rest_api_stages = { orders = { rest_api_id = "a1b2c3d4e5", stages = ["prod"] } }
    cache_flush_http_api_stages = { catalog = { api_id = "f6g7h8i9j0", stages = ["$default"] } }
    kms_key_arn                 = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    table_replicas              = [{ region_name = "eu-central-1", kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/66666666-7777-8888-9999-000000000000" }]
    memory_size                 = { authorizer = 1024 }
    token_lifetime_seconds      = 300
  }
  assert {
    condition     = module.api_authorizers.rest_api_authorizers.orders.type == "REQUEST" && module.api_authorizers.rest_api_authorizers.orders.authorizer_result_ttl_in_seconds == 3600 && module.api_authorizers.http_api_authorizers.catalog.authorizer_result_ttl_in_seconds == 300
    error_message = "Edge values of the cache TTL range must be accepted and passed through."
  }
  assert {
    condition     = module.token_trigger.environment["TOKEN_LIFETIME_SECONDS"] == "300"
    error_message = "The minimum token lifetime must be accepted."
  }
}

# The authorizer's log sampling and metrics flush on their bounds (just outside them is refused above).

run "log_sampling_and_flush_at_their_lower_bounds" {
  command = plan
  variables {
    decision_log_sample_rate = 0
    metrics_flush_decisions  = 1
  }
  assert {
    condition     = module.function["authorizer"].environment["DECISION_LOG_SAMPLE_RATE"] == "0" && module.function["authorizer"].environment["METRICS_FLUSH_DECISIONS"] == "1"
    error_message = "0 and 1 must be accepted and passed through: ${jsonencode(module.function["authorizer"].environment)}"
  }
}

run "log_sampling_and_flush_at_their_upper_bounds" {
  command = plan
  variables {
    decision_log_sample_rate = 1
    metrics_flush_decisions  = 1000
  }
  assert {
    condition     = module.function["authorizer"].environment["DECISION_LOG_SAMPLE_RATE"] == "1" && module.function["authorizer"].environment["METRICS_FLUSH_DECISIONS"] == "1000"
    error_message = "1 and 1000 must be accepted and passed through: ${jsonencode(module.function["authorizer"].environment)}"
  }
}
