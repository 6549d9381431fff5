# Caching that keeps revocation (docs/caching.md):
# - staleness mode of the authorizer (revocation_staleness_seconds, revocation_max_age_seconds), and
# - flushing API Gateway's authorizer result cache of the listed stages after every revocation, so a cache TTL
#   above 0 (e.g. 300 s) no longer means serving revoked tokens for that long.
# IAM: the admin function may apigateway:DELETE exactly the `cache/authorizers` resource of each listed stage,
# nothing else (not the stage itself: DELETE on the stage's own ARN would delete the stage).

################################################################################
# Derived values
################################################################################

locals {
  # CACHE_FLUSH_TARGETS of the admin function (lambdas/config/contract.ts), in a stable order.
  cache_flush_targets = concat(
    flatten([for k in sort(keys(var.cache_flush_rest_api_stages)) : [
      for s in distinct(var.cache_flush_rest_api_stages[k].stages) : { api = "rest", apiId = var.cache_flush_rest_api_stages[k].rest_api_id, stage = s }
    ]]),
    flatten([for k in sort(keys(var.cache_flush_http_api_stages)) : [
      for s in distinct(var.cache_flush_http_api_stages[k].stages) : { api = "http", apiId = var.cache_flush_http_api_stages[k].api_id, stage = s }
    ]]),
  )

  # The IAM resource of each flush: the request path as an API Gateway management ARN
  # (arn:<partition>:apigateway:<region>::/restapis/<id>/stages/<stage>/cache/authorizers, and /apis/... for HTTP APIs).
  cache_flush_resources = distinct([for t in local.cache_flush_targets :
    t.api == "rest"
    ? "arn:${local.partition}:apigateway:${local.region}::/restapis/${t.apiId}/stages/${t.stage}/cache/authorizers"
    : "arn:${local.partition}:apigateway:${local.region}::/apis/${t.apiId}/stages/${t.stage}/cache/authorizers"
  ])

  cache_flush_policy_statements = length(local.cache_flush_resources) == 0 ? [] : [{
    sid       = "FlushAuthorizerCachesOfListedStages"
    actions   = ["apigateway:DELETE"]
    resources = local.cache_flush_resources
  }]
}

################################################################################
# Plan-time warning
################################################################################

locals {
  # APIs whose authorizer caches allows (TTL above 0) with no stage of theirs in the flush lists: a revocation
  # reaches callers cached there only when their entry expires, up to the TTL later. (A conditional, not `&&`:
  # an API without a cache is left out even while its id is unknown at plan.)
  flushed_rest_api_ids = [for a in values(var.cache_flush_rest_api_stages) : a.rest_api_id]
  flushed_http_api_ids = [for a in values(var.cache_flush_http_api_stages) : a.api_id]
  unflushed_cached_apis = concat(
    [for k, a in var.rest_apis : "rest_apis.${k} (TTL ${a.authorizer_result_ttl_in_seconds} s)" if a.authorizer_result_ttl_in_seconds > 0 ? !contains(local.flushed_rest_api_ids, a.rest_api_id) : false],
    [for k, a in var.http_apis : "http_apis.${k} (TTL ${a.authorizer_result_ttl_in_seconds} s)" if a.authorizer_result_ttl_in_seconds > 0 ? !contains(local.flushed_http_api_ids, a.api_id) : false],
  )
}

check "authorizer_caches_are_flushed" {
  assert {
    condition     = !var.create || length(local.unflushed_cached_apis) == 0
    error_message = "Revocations reach callers of ${join(", ", local.unflushed_cached_apis)} only when API Gateway's cached allow expires: list the stages that serve them in cache_flush_rest_api_stages / cache_flush_http_api_stages (the revoking functions then flush those caches), or set authorizer_result_ttl_in_seconds to 0 (docs/caching.md)."
  }
}
