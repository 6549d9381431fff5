# Bad inputs fail at plan with a message that says what to do, before anything reaches AWS.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

run "pool_arn_instead_of_pool_id" {
  command = plan
  variables {
    user_pool_id = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"
  }
  expect_failures = [var.user_pool_id]
}

run "no_client_ids" {
  command = plan
  variables {
    client_ids = []
  }
  expect_failures = [var.client_ids]
}

run "duplicate_client_ids" {
  command = plan
  variables {
    client_ids = ["4b7kq0mv9n2l3c8d5e6f1g0h2j", "4b7kq0mv9n2l3c8d5e6f1g0h2j"]
  }
  expect_failures = [var.client_ids]
}

run "unknown_token_use" {
  command = plan
  variables {
    token_use = "refresh"
  }
  expect_failures = [var.token_use]
}

run "reserved_session_claim" {
  command = plan
  variables {
    session_claim = "origin_jti"
  }
  expect_failures = [var.session_claim]
}

run "rest_cache_ttl_above_3600" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = 3601 } }
  }
  expect_failures = [var.rest_apis]
}

run "rest_cache_ttl_negative" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = -1 } }
  }
  expect_failures = [var.rest_apis]
}

run "rest_api_name_instead_of_id" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "orders-api" } }
  }
  expect_failures = [var.rest_apis]
}

run "rest_cognito_authorizer_type" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", type = "COGNITO_USER_POOLS" } }
  }
  expect_failures = [var.rest_apis]
}

run "rest_token_authorizer_with_query_identity" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", identity_source = "method.request.querystring.token" } }
  }
  expect_failures = [var.rest_apis]
}

run "http_cache_ttl_above_3600" {
  command = plan
  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", authorizer_result_ttl_in_seconds = 7200 } }
  }
  expect_failures = [var.http_apis]
}

run "http_identity_source_in_rest_syntax" {
  command = plan
  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = ["method.request.header.Authorization"] } }
  }
  expect_failures = [var.http_apis]
}

run "http_cache_without_identity_source" {
  command = plan
  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = [], authorizer_result_ttl_in_seconds = 60 } }
  }
  expect_failures = [var.http_apis]
}

# Security review finding 1: with a result cache, the cache key must contain the token (docs/security.md).
run "rest_request_cache_keyed_without_the_token" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "context.httpMethod", authorizer_result_ttl_in_seconds = 300 } }
  }
  expect_failures = [var.rest_apis]
}

run "rest_request_cache_keyed_by_another_header" {
  command = plan
  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", type = "REQUEST", identity_source = "method.request.header.X-Tenant, method.request.querystring.id", authorizer_result_ttl_in_seconds = 1 } }
  }
  expect_failures = [var.rest_apis]
}

run "http_cache_keyed_without_the_token" {
  command = plan
  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = ["$request.header.X-Tenant"], authorizer_result_ttl_in_seconds = 300 } }
  }
  expect_failures = [var.http_apis]
}

run "http_cache_keyed_by_context_only" {
  command = plan
  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", identity_sources = ["$context.routeKey"], authorizer_result_ttl_in_seconds = 60 } }
  }
  expect_failures = [var.http_apis]
}

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

run "existing_authorizer_wildcard" {
  command = plan
  variables {
    existing_authorizers = { legacy = { api_id = "k1l2m3n4o5", authorizer_id = "*" } }
  }
  expect_failures = [var.existing_authorizers]
}

run "appsync_arn_instead_of_id" {
  command = plan
  variables {
    appsync_api_ids = { graph = "arn:aws:appsync:eu-west-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz" }
  }
  expect_failures = [var.appsync_api_ids]
}

run "token_lifetime_below_cognito_minimum" {
  command = plan
  variables {
    token_lifetime_seconds = 299
  }
  expect_failures = [var.token_lifetime_seconds]
}

run "token_lifetime_above_one_day" {
  command = plan
  variables {
    token_lifetime_seconds = 86401
  }
  expect_failures = [var.token_lifetime_seconds]
}

run "refresh_lifetime_above_ten_years" {
  command = plan
  variables {
    refresh_token_lifetime_seconds = 315360001
  }
  expect_failures = [var.refresh_token_lifetime_seconds]
}

run "unknown_fail_mode" {
  command = plan
  variables {
    fail_mode = "permissive"
  }
  expect_failures = [var.fail_mode]
}

run "revocation_staleness_above_10" {
  command = plan
  variables {
    revocation_staleness_seconds = 11
  }
  expect_failures = [var.revocation_staleness_seconds]
}

run "revocation_max_age_below_10" {
  command = plan
  variables {
    revocation_max_age_seconds = 5
  }
  expect_failures = [var.revocation_max_age_seconds]
}

run "cache_flush_stage_wildcard" {
  command = plan
  variables {
    cache_flush_rest_api_stages = { main = { rest_api_id = "a1b2c3d4e5", stages = ["*"] } }
  }
  expect_failures = [var.cache_flush_rest_api_stages]
}

run "cache_flush_http_api_by_name" {
  command = plan
  variables {
    cache_flush_http_api_stages = { main = { api_id = "my-api", stages = ["$default"] } }
  }
  expect_failures = [var.cache_flush_http_api_stages]
}

run "store_timeout_out_of_range" {
  command = plan
  variables {
    store_timeout_ms = 10
  }
  expect_failures = [var.store_timeout_ms]
}

run "store_attempts_out_of_range" {
  command = plan
  variables {
    store_max_attempts = 6
  }
  expect_failures = [var.store_max_attempts]
}

run "trigger_timeout_above_cognito_budget" {
  command = plan
  variables {
    trigger_store_timeout_ms = 5000
  }
  expect_failures = [var.trigger_store_timeout_ms]
}

run "unknown_event_version" {
  command = plan
  variables {
    pre_token_generation_event_version = "V4_0"
  }
  expect_failures = [var.pre_token_generation_event_version]
}

run "unsupported_runtime" {
  command = plan
  variables {
    runtime = "nodejs18.x"
  }
  expect_failures = [var.runtime]
}

run "unknown_architecture" {
  command = plan
  variables {
    architecture = "arm"
  }
  expect_failures = [var.architecture]
}

run "memory_out_of_range" {
  command = plan
  variables {
    memory_size = { authorizer = 64 }
  }
  expect_failures = [var.memory_size]
}

run "trigger_timeout_above_five_seconds" {
  command = plan
  variables {
    timeout_seconds = { token_trigger = 6 }
  }
  expect_failures = [var.timeout_seconds]
}

run "log_retention_not_allowed_by_cloudwatch" {
  command = plan
  variables {
    log_retention_in_days = 10
  }
  expect_failures = [var.log_retention_in_days]
}

run "kms_alias_instead_of_key_arn" {
  command = plan
  variables {
    kms_key_arn = "alias/revocation"
  }
  expect_failures = [var.kms_key_arn]
}

run "replica_region_typo" {
  command = plan
  variables {
    table_replicas = [{ region_name = "eu-central" }]
  }
  expect_failures = [var.table_replicas]
}

run "name_prefix_too_long" {
  command = plan
  variables {
    name_prefix = "a-very-long-prefix-that-would-overflow-the-64-character-role-name"
  }
  expect_failures = [var.name_prefix]
}

run "reserved_metrics_namespace" {
  command = plan
  variables {
    metrics_namespace = "AWS/Lambda"
  }
  expect_failures = [var.metrics_namespace]
}

run "unknown_http_api_response_mode" {
  command = plan
  variables {
    http_api_response_mode = "v2"
  }
  expect_failures = [var.http_api_response_mode]
}

run "log_level_unknown" {
  command = plan
  variables {
    log_level = "trace"
  }
  expect_failures = [var.log_level]
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

# The authorizer's log sampling and metrics flush: refused just outside each bound, accepted on it.

run "decision_log_sample_rate_below_0" {
  command = plan
  variables {
    decision_log_sample_rate = -0.01
  }
  expect_failures = [var.decision_log_sample_rate]
}

run "decision_log_sample_rate_above_1" {
  command = plan
  variables {
    decision_log_sample_rate = 1.01
  }
  expect_failures = [var.decision_log_sample_rate]
}

run "metrics_flush_decisions_0" {
  command = plan
  variables {
    metrics_flush_decisions = 0
  }
  expect_failures = [var.metrics_flush_decisions]
}

run "metrics_flush_decisions_above_1000" {
  command = plan
  variables {
    metrics_flush_decisions = 1001
  }
  expect_failures = [var.metrics_flush_decisions]
}

run "metrics_flush_decisions_fractional" {
  command = plan
  variables {
    metrics_flush_decisions = 10.5
  }
  expect_failures = [var.metrics_flush_decisions]
}

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
