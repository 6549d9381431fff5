# Caching that keeps revocation (docs/caching.md):
# - staleness mode of the authorizer (revocation_staleness_seconds, revocation_max_age_seconds), and
# - flushing API Gateway's authorizer result cache of the listed stages after every revocation, so a cache TTL
#   above 0 (e.g. 300 s) no longer means serving revoked tokens for that long.
# IAM: the admin function may apigateway:DELETE exactly the `cache/authorizers` resource of each listed stage,
# nothing else (not the stage itself: DELETE on the stage's own ARN would delete the stage).

################################################################################
# Inputs
################################################################################

variable "revocation_staleness_seconds" {
  description = "Staleness mode of the authorizer, in seconds (0–10). 0 (default): exact mode, one blocklist read per decision. S > 0: each container caches users' revocation entries, polls the revocation hints at most every S seconds (one read, usually empty) and drops hinted users, so a revocation is enforced at most S seconds after it returned while store reads fall to a few per hundred decisions. See docs/caching.md."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.revocation_staleness_seconds >= 0 && var.revocation_staleness_seconds <= 10 && floor(var.revocation_staleness_seconds) == var.revocation_staleness_seconds
    error_message = "revocation_staleness_seconds must be a whole number from 0 (exact: a read per decision) to 10. It bounds how late a revocation is enforced; 1 already removes almost every read."
  }
}

variable "revocation_max_age_seconds" {
  description = "Staleness mode: no cached answer is used past this age, in seconds (10–3600, default 600). It bounds the lag of a revocation whose hint could not be written (the admin result then says so), and how often each user is read again."
  type        = number
  default     = 600
  nullable    = false

  validation {
    condition     = var.revocation_max_age_seconds >= 10 && var.revocation_max_age_seconds <= 3600 && floor(var.revocation_max_age_seconds) == var.revocation_max_age_seconds
    error_message = "revocation_max_age_seconds must be a whole number from 10 to 3600."
  }
}

variable "cache_flush_rest_api_stages" {
  description = <<-EOT
    REST API stages whose authorizer result cache the admin function flushes (FlushStageAuthorizersCache) after every
    revocation, keyed by a short name: `rest_api_id` and `stages` (stage names). List every stage that serves one of
    this module's authorizers (`rest_apis`) or an `existing_authorizers` one with `authorizer_result_ttl_in_seconds`
    above 0. The function may flush exactly these stages' authorizer caches and nothing else.
  EOT
  type = map(object({
    rest_api_id = string
    stages      = list(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, a in var.cache_flush_rest_api_stages : can(regex("^[A-Za-z0-9_-]{1,40}$", k)) && can(regex("^[a-z0-9]{10}$", a.rest_api_id))])
    error_message = "cache_flush_rest_api_stages keys must be 1–40 letters, digits, `-` or `_`, and each rest_api_id the 10-character REST API id (e.g. a1b2c3d4e5), not its name or ARN."
  }

  validation {
    condition     = alltrue([for a in var.cache_flush_rest_api_stages : length(a.stages) > 0 && alltrue([for s in a.stages : can(regex("^[A-Za-z0-9_-]{1,128}$", s))])])
    error_message = "cache_flush_rest_api_stages stages must list at least one stage name of 1–128 letters, digits, `-` or `_` (no wildcards: the IAM grant names each stage)."
  }
}

variable "cache_flush_http_api_stages" {
  description = <<-EOT
    HTTP API stages whose authorizer result cache the admin function resets (ResetAuthorizersCache) after every
    revocation, keyed by a short name: `api_id` and `stages` (stage names, `$default` included). List every stage that
    serves one of this module's authorizers (`http_apis`) or an `existing_authorizers` one with a cache TTL above 0.
  EOT
  type = map(object({
    api_id = string
    stages = list(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, a in var.cache_flush_http_api_stages : can(regex("^[A-Za-z0-9_-]{1,40}$", k)) && can(regex("^[a-z0-9]{10}$", a.api_id))])
    error_message = "cache_flush_http_api_stages keys must be 1–40 letters, digits, `-` or `_`, and each api_id the 10-character HTTP API id, not its name, endpoint or ARN."
  }

  validation {
    condition     = alltrue([for a in var.cache_flush_http_api_stages : length(a.stages) > 0 && alltrue([for s in a.stages : can(regex("^(\\$default|[A-Za-z0-9_-]{1,128})$", s))])])
    error_message = "cache_flush_http_api_stages stages must list at least one stage: `$default` or a name of 1–128 letters, digits, `-` or `_` (no wildcards)."
  }
}

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
  # reaches callers cached there only when their entry expires, up to the TTL later.
  flushed_rest_api_ids = [for a in values(var.cache_flush_rest_api_stages) : a.rest_api_id]
  flushed_http_api_ids = [for a in values(var.cache_flush_http_api_stages) : a.api_id]
  unflushed_cached_apis = concat(
    [for k, a in var.rest_apis : "rest_apis.${k} (TTL ${a.authorizer_result_ttl_in_seconds} s)" if a.authorizer_result_ttl_in_seconds > 0 && !contains(local.flushed_rest_api_ids, a.rest_api_id)],
    [for k, a in var.http_apis : "http_apis.${k} (TTL ${a.authorizer_result_ttl_in_seconds} s)" if a.authorizer_result_ttl_in_seconds > 0 && !contains(local.flushed_http_api_ids, a.api_id)],
  )
}

check "authorizer_caches_are_flushed" {
  assert {
    condition     = !var.create || length(local.unflushed_cached_apis) == 0
    error_message = "Revocations reach callers of ${join(", ", local.unflushed_cached_apis)} only when API Gateway's cached allow expires: list the stages that serve them in cache_flush_rest_api_stages / cache_flush_http_api_stages (the revoking functions then flush those caches), or set authorizer_result_ttl_in_seconds to 0 (docs/caching.md)."
  }
}
