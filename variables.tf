################################################################################
# Identity: the user pool and app clients whose tokens the authorizer accepts
################################################################################

variable "user_pool_id" {
  description = "Id of the existing Cognito user pool, e.g. `eu-west-1_AbCdEf123`. The functions must be deployed in the pool's region and account."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+_[0-9A-Za-z]+$", var.user_pool_id))
    error_message = "user_pool_id must look like eu-west-1_AbCdEf123 (region, underscore, id): copy the pool's Id, not its name or ARN."
  }
}

variable "client_ids" {
  description = "App client ids whose tokens the authorizer accepts (`aud` of ID tokens, `client_id` of access tokens). At least one."
  type        = list(string)

  validation {
    condition     = length(var.client_ids) > 0 && alltrue([for c in var.client_ids : can(regex("^[0-9a-z]{1,128}$", c))])
    error_message = "client_ids must list at least one app client id (lower-case letters and digits, e.g. 4b7kq0mv9n2l3c8d5e6f1g0h2j); copy them from the pool's App clients page."
  }

  validation {
    condition     = length(distinct(var.client_ids)) == length(var.client_ids)
    error_message = "client_ids lists a client id twice; list each once."
  }
}

variable "token_use" {
  description = "Which tokens the authorizer accepts: `id`, `access` or `any`."
  type        = string
  default     = "any"
  nullable    = false

  validation {
    condition     = contains(["id", "access", "any"], var.token_use)
    error_message = "token_use must be \"id\", \"access\" or \"any\"."
  }
}

variable "session_claim" {
  description = "Claim the token trigger injects with the session id and the authorizer reads."
  type        = string
  default     = "revocation_sid"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{2,63}$", var.session_claim)) && !contains(["sub", "iss", "aud", "exp", "iat", "nbf", "jti", "auth_time", "token_use", "client_id", "scope", "username", "origin_jti", "event_id", "acr", "amr", "at_hash", "cognito_groups", "identities", "nonce"], var.session_claim)
    error_message = "session_claim must be 3–64 lower-case letters, digits or `_`, starting with a letter, and not a standard or Cognito-reserved claim (sub, iss, aud, exp, iat, jti, origin_jti, auth_time, token_use, client_id, scope, username, ...). Keep the default revocation_sid unless it clashes."
  }
}

variable "pre_token_generation_event_version" {
  description = "Event version to wire the token trigger with in the pool's `lambda_config` (`pre_token_generation_config.lambda_version`): `V1_0` (ID token only, every feature plan), `V2_0` (ID and access tokens; Essentials or Plus plan) or `V3_0` (also machine-to-machine tokens). Only shapes the `pre_token_generation_config` output."
  type        = string
  default     = "V2_0"
  nullable    = false

  validation {
    condition     = contains(["V1_0", "V2_0", "V3_0"], var.pre_token_generation_event_version)
    error_message = "pre_token_generation_event_version must be \"V1_0\", \"V2_0\" or \"V3_0\"; use V1_0 if the pool is on the Lite feature plan."
  }
}

################################################################################
# APIs to protect
################################################################################

variable "rest_apis" {
  description = <<-EOT
    REST APIs to create a Lambda authorizer on, keyed by a short name (letters, digits, `-`, `_`):
    `rest_api_id`; optional `name` (default `<name_prefix>-<key>`), `type` (`TOKEN`, the default, or `REQUEST`),
    `identity_source` (default `method.request.header.Authorization`), `identity_validation_expression` (TOKEN only)
    and `authorizer_result_ttl_in_seconds` (0–3600, default 0: API Gateway's cache keeps serving an allow for this
    long after a revocation). With a TTL above 0 a REQUEST authorizer must list the Authorization header among its
    identity sources (the cache key must hold the token). Attach the authorizer to methods with the
    `rest_api_authorizer_ids` output.
  EOT
  type = map(object({
    rest_api_id                      = string
    name                             = optional(string)
    type                             = optional(string, "TOKEN")
    identity_source                  = optional(string, "method.request.header.Authorization")
    identity_validation_expression   = optional(string)
    authorizer_result_ttl_in_seconds = optional(number, 0)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, a in var.rest_apis : can(regex("^[A-Za-z0-9_-]{1,40}$", k))])
    error_message = "rest_apis keys must be 1–40 letters, digits, `-` or `_` (they name permission statements)."
  }

  validation {
    condition     = alltrue([for a in var.rest_apis : can(regex("^[a-z0-9]{10}$", a.rest_api_id))])
    error_message = "Each rest_apis entry needs rest_api_id, the 10-character id of the REST API (e.g. a1b2c3d4e5, from aws_api_gateway_rest_api.<name>.id), not its name or ARN."
  }

  validation {
    condition     = alltrue([for a in var.rest_apis : contains(["TOKEN", "REQUEST"], a.type)])
    error_message = "rest_apis type must be \"TOKEN\" or \"REQUEST\" (COGNITO_USER_POOLS is the stateless authorizer this module replaces)."
  }

  validation {
    condition     = alltrue([for a in var.rest_apis : a.authorizer_result_ttl_in_seconds >= 0 && a.authorizer_result_ttl_in_seconds <= 3600 && floor(a.authorizer_result_ttl_in_seconds) == a.authorizer_result_ttl_in_seconds])
    error_message = "rest_apis authorizer_result_ttl_in_seconds must be a whole number from 0 to 3600. A revocation takes up to this long to reach cached callers; keep 0 unless you accept that window."
  }

  # Security review finding 1: API Gateway caches an allow under the values of the identity sources, and the
  # authorizer takes the token from the Authorization header only (REQUEST events). A cache key without that
  # header holds no credential: a request without a token but with the same key would ride someone's allow.
  validation {
    condition     = alltrue([for a in var.rest_apis : a.type == "TOKEN" || a.authorizer_result_ttl_in_seconds == 0 || contains([for src in split(",", a.identity_source) : lower(trimspace(src))], "method.request.header.authorization")])
    error_message = "rest_apis: a REQUEST authorizer with authorizer_result_ttl_in_seconds > 0 must have method.request.header.Authorization among its identity_source entries: API Gateway caches the allow under the identity sources, and a cache key without the token lets a request without a token reuse another caller's allow. Add the header to identity_source (e.g. \"method.request.header.Authorization,context.httpMethod\") or set the TTL to 0."
  }

  validation {
    condition     = alltrue([for a in var.rest_apis : a.type == "REQUEST" ? can(regex("^((method\\.request\\.(header|querystring)|stageVariables|context)\\.[^,\\s]+)(,\\s*(method\\.request\\.(header|querystring)|stageVariables|context)\\.[^,\\s]+)*$", a.identity_source)) : can(regex("^method\\.request\\.header\\.[A-Za-z0-9-]+$", a.identity_source))])
    error_message = "rest_apis identity_source: a TOKEN authorizer takes one header as method.request.header.<Name>; a REQUEST authorizer a comma-separated list of method.request.header.*, method.request.querystring.*, stageVariables.* or context.* sources."
  }

  validation {
    condition     = alltrue([for a in var.rest_apis : a.name == null || can(regex("^[A-Za-z0-9_-]{1,128}$", coalesce(a.name, "x")))])
    error_message = "rest_apis name must be 1–128 letters, digits, `-` or `_`."
  }
}

variable "http_apis" {
  description = <<-EOT
    HTTP APIs to create a Lambda authorizer on (REQUEST, payload format 2.0, simple responses), keyed by a short name:
    `api_id`; optional `name`, `identity_sources` (default `["$request.header.Authorization"]`) and
    `authorizer_result_ttl_in_seconds` (0–3600, default 0). With a TTL above 0, `identity_sources` must include
    `$request.header.Authorization` (the cache key must hold the token). Attach it to routes with the
    `http_api_authorizer_ids` output.
  EOT
  type = map(object({
    api_id                           = string
    name                             = optional(string)
    identity_sources                 = optional(list(string), ["$request.header.Authorization"])
    authorizer_result_ttl_in_seconds = optional(number, 0)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, a in var.http_apis : can(regex("^[A-Za-z0-9_-]{1,40}$", k))])
    error_message = "http_apis keys must be 1–40 letters, digits, `-` or `_` (they name permission statements)."
  }

  validation {
    condition     = alltrue([for a in var.http_apis : can(regex("^[a-z0-9]{10}$", a.api_id))])
    error_message = "Each http_apis entry needs api_id, the 10-character id of the HTTP API (from aws_apigatewayv2_api.<name>.id), not its name, endpoint or ARN."
  }

  validation {
    condition     = alltrue([for a in var.http_apis : a.authorizer_result_ttl_in_seconds >= 0 && a.authorizer_result_ttl_in_seconds <= 3600 && floor(a.authorizer_result_ttl_in_seconds) == a.authorizer_result_ttl_in_seconds])
    error_message = "http_apis authorizer_result_ttl_in_seconds must be a whole number from 0 to 3600. A revocation takes up to this long to reach cached callers; keep 0 unless you accept that window."
  }

  validation {
    condition     = alltrue([for a in var.http_apis : alltrue([for s in a.identity_sources : can(regex("^\\$(request\\.(header|querystring)|context|stageVariables)\\.[^\\s,]+$", s))])])
    error_message = "http_apis identity_sources entries must be $request.header.<Name>, $request.querystring.<name>, $context.<variable> or $stageVariables.<name>."
  }

  validation {
    condition     = alltrue([for a in var.http_apis : a.authorizer_result_ttl_in_seconds == 0 || length(a.identity_sources) > 0])
    error_message = "http_apis with authorizer_result_ttl_in_seconds > 0 need at least one identity source (the cache key)."
  }

  # Security review finding 1 (see rest_apis): the cache key must contain the token.
  validation {
    condition     = alltrue([for a in var.http_apis : a.authorizer_result_ttl_in_seconds == 0 || contains([for src in a.identity_sources : lower(src)], "$request.header.authorization")])
    error_message = "http_apis: an authorizer with authorizer_result_ttl_in_seconds > 0 must list \"$request.header.Authorization\" in identity_sources: API Gateway caches the allow under the identity sources, and a cache key without the token lets a request without a token reuse another caller's allow. Add it to identity_sources or set the TTL to 0."
  }

  validation {
    condition     = alltrue([for a in var.http_apis : a.name == null || can(regex("^[A-Za-z0-9_-]{1,128}$", coalesce(a.name, "x")))])
    error_message = "http_apis name must be 1–128 letters, digits, `-` or `_`."
  }
}

variable "http_api_response_mode" {
  description = "How the authorizer answers HTTP API (payload 2.0) events: `simple` (`isAuthorized`) or `iam` (an IAM policy). The authorizers this module creates use it for `enable_simple_responses`; HTTP API authorizers in `existing_authorizers` must use the same setting."
  type        = string
  default     = "simple"
  nullable    = false

  validation {
    condition     = contains(["simple", "iam"], var.http_api_response_mode)
    error_message = "http_api_response_mode must be \"simple\" or \"iam\", matching enable_simple_responses (true or false) of your HTTP API authorizers."
  }
}

variable "existing_authorizers" {
  description = <<-EOT
    API Gateway authorizers managed elsewhere (REST or HTTP API) whose URI you point at `authorizer_invoke_arn`,
    keyed by a short name: `api_id` and `authorizer_id`. The module only grants API Gateway invoke on the authorizer
    function, scoped to exactly `arn:<partition>:execute-api:<region>:<account>:<api_id>/authorizers/<authorizer_id>`.
    The module cannot check those authorizers' settings: if you give one a result cache TTL above 0, make the
    Authorization header one of its identity sources (docs/security.md, "Cache keys").
  EOT
  type = map(object({
    api_id        = string
    authorizer_id = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, a in var.existing_authorizers : can(regex("^[A-Za-z0-9_-]{1,40}$", k))])
    error_message = "existing_authorizers keys must be 1–40 letters, digits, `-` or `_` (they name permission statements)."
  }

  validation {
    condition     = alltrue([for a in var.existing_authorizers : can(regex("^[a-z0-9]{10}$", a.api_id)) && can(regex("^[a-z0-9]{6,10}$", a.authorizer_id))])
    error_message = "Each existing_authorizers entry needs api_id (10 characters, e.g. a1b2c3d4e5) and authorizer_id (6 characters, e.g. x9y8z7) — the ids, not names or ARNs. A wildcard would let every authorizer of the account invoke the function, so none is accepted."
  }
}

variable "appsync_api_ids" {
  description = "AppSync GraphQL API ids that use the authorizer for `AWS_LAMBDA` authorization, keyed by a short name. The module grants AppSync invoke scoped to each API's ARN; configure the API's `lambda_authorizer_config` with `authorizer_function_arn`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, id in var.appsync_api_ids : can(regex("^[A-Za-z0-9_-]{1,40}$", k)) && can(regex("^[a-z0-9]{26}$", id))])
    error_message = "appsync_api_ids keys must be 1–40 letters, digits, `-` or `_`, and each value the 26-character GraphQL API id (aws_appsync_graphql_api.<name>.id), not its ARN or URL."
  }
}

################################################################################
# Revocation behaviour
################################################################################

variable "token_lifetime_seconds" {
  description = "Longest ID/access token validity of the app clients, in seconds (300–86400). Revocation entries live at least this long past issuance; the default is Cognito's maximum, safe for any client."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.token_lifetime_seconds >= 300 && var.token_lifetime_seconds <= 86400 && floor(var.token_lifetime_seconds) == var.token_lifetime_seconds
    error_message = "token_lifetime_seconds must be a whole number from 300 (5 min) to 86400 (1 day), at least the longest ID/access token validity of your app clients; too short lets revoked tokens back in."
  }
}

variable "refresh_token_lifetime_seconds" {
  description = "Longest refresh token validity of the app clients, in seconds (3600–315360000). Session revocations live this long when Cognito's sign-out could not revoke the refresh tokens; the default is Cognito's maximum (10 years)."
  type        = number
  default     = 315360000
  nullable    = false

  validation {
    condition     = var.refresh_token_lifetime_seconds >= 3600 && var.refresh_token_lifetime_seconds <= 315360000 && floor(var.refresh_token_lifetime_seconds) == var.refresh_token_lifetime_seconds
    error_message = "refresh_token_lifetime_seconds must be a whole number from 3600 (1 hour) to 315360000 (10 years), at least the longest refresh token validity of your app clients."
  }
}

variable "fail_mode" {
  description = "What the authorizer does when the blocklist cannot be read in time: `closed` denies (default); `open` allows, logged and counted as `fail_open`."
  type        = string
  default     = "closed"
  nullable    = false

  validation {
    condition     = contains(["closed", "open"], var.fail_mode)
    error_message = "fail_mode must be \"closed\" (deny when the blocklist is unreadable) or \"open\" (allow, logged and counted)."
  }
}

variable "store_timeout_ms" {
  description = "Authorizer deadline for one blocklist lookup, retries included, in milliseconds (50–5000)."
  type        = number
  default     = 800
  nullable    = false

  validation {
    condition     = var.store_timeout_ms >= 50 && var.store_timeout_ms <= 5000 && floor(var.store_timeout_ms) == var.store_timeout_ms
    error_message = "store_timeout_ms must be a whole number of milliseconds from 50 to 5000."
  }
}

variable "store_max_attempts" {
  description = "Attempts per blocklist lookup within `store_timeout_ms` (1–5)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.store_max_attempts >= 1 && var.store_max_attempts <= 5 && floor(var.store_max_attempts) == var.store_max_attempts
    error_message = "store_max_attempts must be a whole number from 1 to 5."
  }
}

variable "consistent_read" {
  description = "Strongly consistent blocklist reads, so a revocation counts as soon as its write returns. `false` halves read cost and lets a revocation lag by up to about a second."
  type        = bool
  default     = true
  nullable    = false
}

variable "trigger_store_timeout_ms" {
  description = "Token trigger deadline for recording a session, in milliseconds (50–3000). Sign-in proceeds when it passes."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.trigger_store_timeout_ms >= 50 && var.trigger_store_timeout_ms <= 3000 && floor(var.trigger_store_timeout_ms) == var.trigger_store_timeout_ms
    error_message = "trigger_store_timeout_ms must be a whole number of milliseconds from 50 to 3000 (Cognito gives a trigger 5 s in total)."
  }
}

################################################################################
# Functions
################################################################################

variable "package_dir" {
  description = "Directory holding `authorizer.zip`, `token-trigger.zip`, `admin-signout.zip` (plus `auto-revocation.zip` and `logout.zip` when those features are on) and `build.json` from `npm run build`. `null` means `<module path>/dist`, where a release ships them. The plan fails when `build.json` names another version than the module's."
  type        = string
  default     = null
}

variable "s3_existing_package" {
  description = "Deploy functions from your own S3 bucket instead of local zips, keyed by `authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout` (any subset): `bucket`, `key` and optional `version_id`. Upload the zips of the same release as the module (docs/releasing.md)."
  type = map(object({
    bucket     = string
    key        = string
    version_id = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, p in var.s3_existing_package : contains(["authorizer", "token_trigger", "admin_signout", "auto_revocation", "logout", "shared_signals", "global_token_revocation"], k) && can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", p.bucket)) && length(p.key) > 0 && endswith(p.key, ".zip")])
    error_message = "s3_existing_package keys must be authorizer, token_trigger, admin_signout, auto_revocation, logout, shared_signals or global_token_revocation; each value a bucket name (not an ARN or s3:// URL) and the key of a .zip object."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for each function: `-1` (default) reserves none. Reserving also caps: a throttled token trigger fails the sign-in, and a throttled authorizer denies, so reserve at least the peak (requests per second × duration) or leave -1. See docs/terraform.md."
  type = object({
    authorizer      = optional(number, -1)
    token_trigger   = optional(number, -1)
    admin_signout   = optional(number, -1)
    auto_revocation = optional(number, -1)
    logout          = optional(number, -1)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for n in values(var.reserved_concurrent_executions) : n == -1 || (n >= 1 && floor(n) == n)])
    error_message = "reserved_concurrent_executions values must be -1 (unreserved) or a whole number of at least 1: 0 throttles every invocation (no sign-in would succeed with the trigger at 0)."
  }
}

variable "tracing_mode" {
  description = "X-Ray tracing of the functions: `null` (default, off), `PassThrough` or `Active`. When set, each role gets the AWS managed AWSXRayDaemonWriteAccess policy."
  type        = string
  default     = null

  validation {
    condition     = var.tracing_mode == null || contains(["PassThrough", "Active"], coalesce(var.tracing_mode, "x"))
    error_message = "tracing_mode must be null (off), \"PassThrough\" or \"Active\"."
  }
}

variable "vpc_subnet_ids" {
  description = "Subnets to run the functions in (with `vpc_security_group_ids`); `null` (default) runs them outside any VPC. The subnets need a route to DynamoDB (a gateway endpoint) and to Cognito (interface endpoint or NAT) and, for the authorizer's first JWKS fetch, to `cognito-idp.<region>.amazonaws.com`. The roles then get the AWS managed AWSLambdaENIManagementAccess policy."
  type        = list(string)
  default     = null

  validation {
    condition     = var.vpc_subnet_ids == null || (length(coalesce(var.vpc_subnet_ids, [])) > 0 && alltrue([for id in coalesce(var.vpc_subnet_ids, []) : can(regex("^subnet-[0-9a-f]{8,17}$", id))]))
    error_message = "vpc_subnet_ids must be a non-empty list of subnet ids (subnet-0123456789abcdef0), or null."
  }
}

variable "vpc_security_group_ids" {
  description = "Security groups of the functions' network interfaces (with `vpc_subnet_ids`); they must allow HTTPS out."
  type        = list(string)
  default     = null

  validation {
    condition     = var.vpc_security_group_ids == null || (length(coalesce(var.vpc_security_group_ids, [])) > 0 && alltrue([for id in coalesce(var.vpc_security_group_ids, []) : can(regex("^sg-[0-9a-f]{8,17}$", id))]))
    error_message = "vpc_security_group_ids must be a non-empty list of security group ids (sg-0123456789abcdef0), or null."
  }
}

variable "runtime" {
  description = "Lambda runtime of the functions: `nodejs22.x` (default) or `nodejs20.x`, the Node.js runtimes of the provider floor (5.77)."
  type        = string
  default     = "nodejs22.x"
  nullable    = false

  validation {
    condition     = contains(["nodejs20.x", "nodejs22.x"], var.runtime)
    error_message = "runtime must be \"nodejs22.x\" (default) or \"nodejs20.x\" (deprecated by Lambda since 2026-04-30): the Node.js runtimes every supported AWS provider version accepts (nodejs24.x needs provider 6.19 or later; docs/terraform.md)."
  }
}

variable "architecture" {
  description = "Instruction set of the functions: `arm64` (default, cheaper) or `x86_64`."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "memory_size" {
  description = "Memory in MB per function (128–10240). CPU scales with memory: the authorizer's default of 512 keeps JWT verification and cold starts short; 256 is cheaper per decision (most of a decision waits for the table) at ~2 ms more per request and slower cold starts (docs/cost.md, \"Duration by memory size\")."
  type = object({
    authorizer      = optional(number, 512)
    token_trigger   = optional(number, 256)
    admin_signout   = optional(number, 256)
    auto_revocation = optional(number, 256)
    logout          = optional(number, 256)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for m in values(var.memory_size) : m >= 128 && m <= 10240 && floor(m) == m])
    error_message = "memory_size values must be whole numbers of MB from 128 to 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout per function in seconds. The trigger's is capped at 5 (Cognito waits 5 s for a trigger in total)."
  type = object({
    authorizer      = optional(number, 10)
    token_trigger   = optional(number, 5)
    admin_signout   = optional(number, 60)
    auto_revocation = optional(number, 60)
    logout          = optional(number, 10)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.timeout_seconds.authorizer >= 1 && var.timeout_seconds.authorizer <= 30 && var.timeout_seconds.token_trigger >= 1 && var.timeout_seconds.token_trigger <= 5 && var.timeout_seconds.admin_signout >= 1 && var.timeout_seconds.admin_signout <= 900 && var.timeout_seconds.auto_revocation >= 1 && var.timeout_seconds.auto_revocation <= 900 && var.timeout_seconds.logout >= 1 && var.timeout_seconds.logout <= 30
    error_message = "timeout_seconds: authorizer 1–30 (API Gateway waits at most 29 s), token_trigger 1–5 (Cognito's limit), admin_signout 1–900, auto_revocation 1–900, logout 1–30 (behind API Gateway)."
  }
}

variable "log_level" {
  description = "Log level of the functions: `debug`, `info`, `warn` or `error`. Tokens are never logged at any level."
  type        = string
  default     = "info"
  nullable    = false

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "log_level must be \"debug\", \"info\", \"warn\" or \"error\"."
  }
}

variable "system_log_level" {
  description = "Level of Lambda's own log lines for every function (JSON log format): `WARN` (default) keeps the platform's warnings and errors and drops the START, END and REPORT lines of each invocation (INFO); `INFO` brings them back (e.g. to read REPORT durations), `DEBUG` adds the platform's debug events. The functions' own lines are chosen by `log_level` only (docs/terraform.md, \"Logs\")."
  type        = string
  default     = "WARN"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be DEBUG, INFO or WARN (Lambda's system log levels)."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the functions' EMF metrics."
  type        = string
  default     = "CognitoRevocation"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "metrics_namespace must be 1–255 letters, digits or . _ / # : - and must not start with AWS/ (reserved)."
  }
}

variable "log_retention_in_days" {
  description = "Retention of the functions' log groups in days (a CloudWatch Logs allowed value; 0 keeps logs forever)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be one of 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

################################################################################
# Table and encryption
################################################################################

variable "kms_key_arn" {
  description = "Customer managed KMS key ARN for the table, the functions' environment and (unless `cloudwatch_logs_kms_key_id` is set) the log groups. `null` (default) uses AWS owned keys. The key policy must allow CloudWatch Logs (`logs.<region>.amazonaws.com`) when it encrypts logs; the roles get only the key actions they need. With `table_replicas`, every replica needs its own key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or a bare key id; or null for AWS owned keys."
  }
}

variable "cloudwatch_logs_kms_key_id" {
  description = "KMS key ARN for the functions' log groups only; `null` (default) uses `kms_key_arn` (or CloudWatch Logs' own encryption when that is null too). Its key policy must allow `logs.<region>.amazonaws.com`."
  type        = string
  default     = null

  validation {
    condition     = var.cloudwatch_logs_kms_key_id == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.cloudwatch_logs_kms_key_id, "x")))
    error_message = "cloudwatch_logs_kms_key_id must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias; or null."
  }
}

variable "dead_letter_queue_kms_key_arn" {
  description = "KMS key ARN encrypting the automatic revocation's dead-letter queue; `null` (default) uses SQS-managed encryption (SSE-SQS), which EventBridge and Lambda can write to without any key policy. With a customer managed key, add the `automatic_revocation.dead_letter_queue_key_policy_statement` output to that key's policy, or EventBridge cannot deliver failed events to the queue and they are lost (docs/terraform.md). The function's role gets kms:GenerateDataKey and kms:Decrypt on this key only. `kms_key_arn` does not encrypt the queue."
  type        = string
  default     = null

  validation {
    condition     = var.dead_letter_queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.dead_letter_queue_kms_key_arn, "x")))
    error_message = "dead_letter_queue_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias; or null for SQS-managed encryption."
  }
}

variable "point_in_time_recovery_enabled" {
  description = "Point-in-time recovery for the blocklist table (and its replicas)."
  type        = bool
  default     = true
  nullable    = false
}

variable "deletion_protection_enabled" {
  description = "Deletion protection on the blocklist table: losing it would un-revoke every revoked token. Turn off before destroying on purpose."
  type        = bool
  default     = true
  nullable    = false
}

variable "table_replicas" {
  description = "Regions to replicate the blocklist table to (a global table), for authorizers deployed in several regions: `region_name` (not the table's own region), and `kms_key_arn`, a key in that region — required for every replica when `kms_key_arn` is set. Deploy one module instance per other region with `existing_table_name` (docs/multi-region.md)."
  type = list(object({
    region_name = string
    kms_key_arn = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for r in var.table_replicas : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", r.region_name))])
    error_message = "table_replicas region_name must be an AWS region name such as eu-central-1."
  }

  validation {
    condition     = alltrue([for r in var.table_replicas : r.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", r.kms_key_arn))])
    error_message = "table_replicas kms_key_arn must be a KMS key ARN in the replica's region, or null."
  }

  validation {
    condition     = length(distinct([for r in var.table_replicas : r.region_name])) == length(var.table_replicas)
    error_message = "table_replicas lists a region twice; list each once."
  }
}

variable "existing_table_name" {
  description = "Use the blocklist table another instance of this module created (a global table with a replica in this region) instead of creating one: its name, e.g. `cognito-revocation-blocklist`. For the second and further regions of a multi-region deployment (docs/multi-region.md); with a customer managed key, set `kms_key_arn` to the replica's key in this region."
  type        = string
  default     = null

  validation {
    condition     = var.existing_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", coalesce(var.existing_table_name, "x")))
    error_message = "existing_table_name must be a DynamoDB table name (3–255 letters, digits, `_`, `-`, `.`), not an ARN; or null."
  }
}

variable "table_billing_mode" {
  description = "Capacity mode of the blocklist table: `PAY_PER_REQUEST` (on-demand, default: no capacity planning) or `PROVISIONED` (read and write capacity auto-scaled by target tracking within `table_provisioned_capacity`; cheaper per read at steady traffic, but requests above the capacity are throttled and the authorizer denies them, also with `fail_mode = \"open\"`). Not with `table_replicas`; no effect with `existing_table_name` (docs/cost.md)."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.table_billing_mode)
    error_message = "table_billing_mode must be \"PAY_PER_REQUEST\" (on-demand) or \"PROVISIONED\"."
  }
}

variable "table_provisioned_capacity" {
  description = "With `table_billing_mode = \"PROVISIONED\"`, the auto scaling of each dimension: `read_min_capacity` / `write_min_capacity` (also the starting capacity; default 5), `read_max_capacity` / `write_max_capacity` (default 1000), in capacity units, and `read_target_utilization` / `write_target_utilization` in percent (20–90, default 70). One exact decision reads one strongly consistent unit: size `read_max_capacity` for your peak decisions per second. Ignored on-demand."
  type = object({
    read_min_capacity        = optional(number, 5)
    read_max_capacity        = optional(number, 1000)
    read_target_utilization  = optional(number, 70)
    write_min_capacity       = optional(number, 5)
    write_max_capacity       = optional(number, 1000)
    write_target_utilization = optional(number, 70)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([for d in ["read", "write"] :
      var.table_provisioned_capacity["${d}_min_capacity"] >= 1 && floor(var.table_provisioned_capacity["${d}_min_capacity"]) == var.table_provisioned_capacity["${d}_min_capacity"] &&
      floor(var.table_provisioned_capacity["${d}_max_capacity"]) == var.table_provisioned_capacity["${d}_max_capacity"] && var.table_provisioned_capacity["${d}_max_capacity"] >= var.table_provisioned_capacity["${d}_min_capacity"]
    ])
    error_message = "table_provisioned_capacity: the min and max capacities are whole numbers of capacity units, each minimum at least 1 and each maximum at least its minimum."
  }

  validation {
    condition     = var.table_provisioned_capacity.read_target_utilization >= 20 && var.table_provisioned_capacity.read_target_utilization <= 90 && var.table_provisioned_capacity.write_target_utilization >= 20 && var.table_provisioned_capacity.write_target_utilization <= 90
    error_message = "table_provisioned_capacity: read_target_utilization and write_target_utilization are percentages from 20 to 90 (DynamoDB auto scaling's range)."
  }
}

################################################################################
# Naming
################################################################################

variable "create" {
  description = "Create the module's resources. `false` creates nothing and every output is null or empty (the switch terraform-aws-modules modules have)."
  type        = bool
  default     = true
  nullable    = false
}

variable "create_role" {
  description = "Per function (`authorizer`, `token_trigger`, `admin_signout`, `auto_revocation`, `logout`): create its execution role with the least-privilege inline policy (default `true`). `false` runs the function with the role given in `role_arn` for that function — for organisations whose IAM is owned by a central team (terraform-aws-lambda's `create_role`). The `role_policies` output is then the policy that role must grant."
  type = object({
    authorizer      = optional(bool, true)
    token_trigger   = optional(bool, true)
    admin_signout   = optional(bool, true)
    auto_revocation = optional(bool, true)
    logout          = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "role_arn" {
  description = "Per function: ARN of an existing execution role, for each function whose `create_role` is `false` (and only those). The role must trust `lambda.amazonaws.com` and grant that function's `role_policies` document (plus AWSLambdaENIManagementAccess with a VPC, AWSXRayDaemonWriteAccess with tracing); the module creates and attaches nothing for it."
  type = object({
    authorizer      = optional(string)
    token_trigger   = optional(string)
    admin_signout   = optional(string)
    auto_revocation = optional(string)
    logout          = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for arn in values(var.role_arn) : arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", coalesce(arn, "x")))])
    error_message = "role_arn values must be IAM role ARNs (arn:aws:iam::<account>:role/<path><name>)."
  }
  # That an ARN is given exactly where create_role is false is checked by modules/function (a precondition: a
  # validation may not read another variable before Terraform 1.9).
}

variable "role_path" {
  description = "Path of the execution roles (e.g. `/service/`); `null` (default) is `/`."
  type        = string
  default     = null

  validation {
    condition     = var.role_path == null || can(regex("^/([\\x21-\\x7E]{0,510}/)?$", coalesce(var.role_path, "/")))
    error_message = "role_path must start and end with / (e.g. /service/), at most 512 printable characters."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of the IAM policy to set as permissions boundary of the execution roles; `null` (default) sets none."
  type        = string
  default     = null

  validation {
    condition     = var.role_permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.role_permissions_boundary, "x")))
    error_message = "role_permissions_boundary must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>), not a policy name."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name: `<prefix>-blocklist`, `<prefix>-authorizer`, `<prefix>-token-trigger`, `<prefix>-admin-signout`; the execution roles add the region (`<prefix>-authorizer-<region>`), as IAM role names are global."
  type        = string
  default     = "cognito-revocation"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9-]{0,39}$", var.name_prefix))
    error_message = "name_prefix must be 1–40 letters, digits or `-`, starting with a letter (function and role names are limited to 64 characters)."
  }
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Automatic revocation (automatic_revocation.tf)
################################################################################

variable "revoke_on" {
  description = <<-EOT
    Cognito API calls that revoke the user's tokens automatically (opt-in; empty = off). Recommended:
    `["AdminDisableUser", "AdminDeleteUser", "AdminResetUserPassword", "AdminSetUserPassword", "AdminUserGlobalSignOut"]`.
    Also accepted: `AdminRemoveUserFromGroup` (tokens carry `cognito:groups`), `GlobalSignOut`, `DeleteUser`,
    `ChangePassword`, `ConfirmForgotPassword`. Requires a CloudTrail trail with management events in the pool's region.
  EOT
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([for e in var.revoke_on : contains([
      "AdminDisableUser", "AdminDeleteUser", "AdminResetUserPassword", "AdminSetUserPassword", "AdminUserGlobalSignOut",
      "AdminRemoveUserFromGroup", "GlobalSignOut", "DeleteUser", "ChangePassword", "ConfirmForgotPassword",
    ], e)])
    error_message = "revoke_on may hold only AdminDisableUser, AdminDeleteUser, AdminResetUserPassword, AdminSetUserPassword, AdminUserGlobalSignOut, AdminRemoveUserFromGroup, GlobalSignOut, DeleteUser, ChangePassword, ConfirmForgotPassword."
  }

  validation {
    condition     = length(distinct(var.revoke_on)) == length(var.revoke_on)
    error_message = "revoke_on lists an event name twice."
  }
}

variable "revocation_sweep_schedule" {
  description = "EventBridge schedule of the revocation sweep, e.g. `rate(15 minutes)` (null = no sweep). Its interval bounds how late a disabled or deleted user is revoked when the event path cannot see it."
  type        = string
  default     = null

  validation {
    # EventBridge: "If the value is equal to 1, then the unit must be singular. If the value is greater than 1, the
    # unit must be plural" (EventBridge user guide, Rate expressions reference).
    condition     = var.revocation_sweep_schedule == null || can(regex("^(rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\)|cron\\([^)]+\\))$", var.revocation_sweep_schedule))
    error_message = "revocation_sweep_schedule must be an EventBridge schedule expression: rate(1 minute|hour|day), rate(<n> minutes|hours|days) for n > 1, or cron(...)."
  }
}

variable "automatic_revocation_retry" {
  description = "Delivery retries of the event path before an event lands in the dead-letter queue: EventBridge target `maximum_retry_attempts` (0–185) and `maximum_event_age_in_seconds` (60–86400); the function adds Lambda's own 2 asynchronous retries, within at most 21,600 s (Lambda's maximum event age: a longer value applies to EventBridge's retries only)."
  type = object({
    maximum_retry_attempts       = optional(number, 8)
    maximum_event_age_in_seconds = optional(number, 3600)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.automatic_revocation_retry.maximum_retry_attempts >= 0 && var.automatic_revocation_retry.maximum_retry_attempts <= 185 && var.automatic_revocation_retry.maximum_event_age_in_seconds >= 60 && var.automatic_revocation_retry.maximum_event_age_in_seconds <= 86400
    error_message = "automatic_revocation_retry: maximum_retry_attempts 0–185, maximum_event_age_in_seconds 60–86400."
  }
}

variable "cognito_session_management" {
  description = "Set to true when the user pool has Cognito session tracking (Essentials/Plus): the admin function then lists Cognito's sessions next to its own and revokes a Cognito session id (`tkn…`) with AdminRevokeUserSession plus blocklist entries (docs/automatic-revocation.md). Adds those two actions on the pool to its role."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Caching that keeps revocation (cache.tf)
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
# Self-service logout (logout.tf)
################################################################################

variable "logout" {
  description = <<-EOT
    Self-service logout route (opt-in; null = off). `http_apis`: keys of `http_apis` (the route uses this module's
    authorizer on that API), each with an optional `route_key` (default `POST /logout`). `rest_apis`: keys of
    `rest_apis`, each with the `parent_resource_id` under which to create the resource (e.g. the API's root
    resource id) and an optional `path_part` (default `logout`); redeploy the REST stage afterwards.
    `allow_everywhere` (default true) lets a caller end all of their own sessions with `{"everywhere": true}`.
  EOT
  type = object({
    http_apis = optional(map(object({
      route_key = optional(string, "POST /logout")
    })), {})
    rest_apis = optional(map(object({
      parent_resource_id = string
      path_part          = optional(string, "logout")
    })), {})
    allow_everywhere = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.logout == null || alltrue([for r in values(try(var.logout.http_apis, {})) : can(regex("^(POST|DELETE) /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "logout.http_apis route_key must be `POST /<path>` or `DELETE /<path>` (no wildcard, no greedy path: the route must reach only the logout)."
  }

  validation {
    condition     = var.logout == null || alltrue([for r in values(try(var.logout.rest_apis, {})) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && can(regex("^[a-z0-9]{6,12}$", r.parent_resource_id))])
    error_message = "logout.rest_apis: path_part is one path segment (letters, digits, `.`, `_`, `~`, `-`), parent_resource_id the API Gateway resource id (e.g. aws_api_gateway_rest_api.<name>.root_resource_id)."
  }
}

variable "chained_pre_token_generation_function_arn" {
  description = "ARN of the pool's existing pre-token-generation Lambda function (optionally with a version or alias), which the module's token trigger invokes with the same event and whose answer it merges with its own: its overrides win, except on the session claim; its failure fails the sign-in. The token trigger's role gets `lambda:InvokeFunction` on exactly this ARN. `null` (default): no chaining."
  type        = string
  default     = null

  validation {
    condition     = var.chained_pre_token_generation_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?$", var.chained_pre_token_generation_function_arn))
    error_message = "chained_pre_token_generation_function_arn must be a Lambda function ARN, e.g. arn:aws:lambda:eu-west-1:123456789012:function:my-pre-token-trigger (a version or alias suffix is allowed)."
  }
}

variable "chained_trigger_timeout_ms" {
  description = "Deadline for the chained function's answer, in milliseconds (100–4500). Cognito waits 5 s for the whole trigger, so this plus `trigger_store_timeout_ms` must stay at or below 4500; past it the sign-in fails."
  type        = number
  default     = 3000
  nullable    = false

  validation {
    condition     = var.chained_trigger_timeout_ms >= 100 && var.chained_trigger_timeout_ms <= 4500 && floor(var.chained_trigger_timeout_ms) == var.chained_trigger_timeout_ms
    error_message = "chained_trigger_timeout_ms must be a whole number between 100 and 4500."
  }
}

variable "alarm_sns_topic_arn" {
  description = "SNS topic that receives the module's CloudWatch alarms (ALARM and OK). `null` (default): no alarms are created. The alarms: fail-open decisions, blocklist store errors, refused or failed authorizer-cache flushes, unwritten revocation hints, token-trigger errors, a failing chained trigger (when chained), messages in the automatic revocation's dead-letter queue and an incomplete sweep (when those are on). See docs/operations.md."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN, e.g. arn:aws:sns:eu-west-1:123456789012:ops-alerts."
  }
}

variable "alarm_period_seconds" {
  description = "Evaluation period of the alarms in seconds (60, 300, 900 or 3600). Each alarm fires on one period with a non-zero count (store errors: above `alarm_store_error_threshold`)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = contains([60, 300, 900, 3600], var.alarm_period_seconds)
    error_message = "alarm_period_seconds must be 60, 300, 900 or 3600."
  }
}

variable "alarm_store_error_threshold" {
  description = "Blocklist store errors per period above which the store-error alarm fires (0 = any). Each one is a denied request (or an allowed one with `fail_mode = \"open\"`)."
  type        = number
  default     = 0
  nullable    = false

  validation {
    condition     = var.alarm_store_error_threshold >= 0
    error_message = "alarm_store_error_threshold must be 0 or more."
  }
}

variable "create_dashboard" {
  description = "Create a CloudWatch dashboard `<name_prefix>-revocation`: decisions by reason, refused tokens by revocation scope, blocklist latency percentiles, cache flushes and hints, sessions recorded, cold starts."
  type        = bool
  default     = false
  nullable    = false
}

variable "introspection" {
  description = <<-EOT
    RFC 7662 introspection endpoint (opt-in; null = off). `caller_client_ids`: the M2M app clients (client-credentials
    grant) allowed to call; `caller_scope`: the resource-server scope their token must hold. `staleness_seconds` (0–10):
    answers carry `Cache-Control: private, max-age=S` (0: `no-store`). `fail_mode`: `closed` answers 503 when the table
    cannot answer, `open` answers by the JWT alone during an outage.
  EOT
  type = object({
    caller_client_ids              = list(string)
    caller_scope                   = optional(string, "cognito-revocation/introspect")
    fail_mode                      = optional(string, "closed")
    staleness_seconds              = optional(number, 0)
    store_timeout_ms               = optional(number, 800)
    memory_size                    = optional(number, 256)
    timeout_seconds                = optional(number, 5)
    reserved_concurrent_executions = optional(number, 50)
  })
  default = null

  validation {
    condition     = var.introspection == null || (length(try(var.introspection.caller_client_ids, [])) > 0 && alltrue([for c in try(var.introspection.caller_client_ids, []) : can(regex("^[\\w+]{1,128}$", c))]))
    error_message = "introspection.caller_client_ids lists at least one app client id (the M2M clients allowed to introspect)."
  }

  validation {
    condition     = var.introspection == null || (contains(["closed", "open"], try(var.introspection.fail_mode, "closed")) && try(var.introspection.staleness_seconds, 0) >= 0 && try(var.introspection.staleness_seconds, 0) <= 10 && try(var.introspection.store_timeout_ms, 800) >= 50 && try(var.introspection.store_timeout_ms, 800) <= 5000)
    error_message = "introspection: fail_mode closed or open, staleness_seconds 0–10, store_timeout_ms 50–5000."
  }
}

variable "token_revocation" {
  description = <<-EOT
    RFC 7009 revocation endpoint (opt-in; null = off). `caller_client_ids`: the M2M app clients allowed to call;
    `caller_scope`: the resource-server scope their token must hold.
  EOT
  type = object({
    caller_client_ids              = list(string)
    caller_scope                   = optional(string, "cognito-revocation/revoke")
    memory_size                    = optional(number, 256)
    timeout_seconds                = optional(number, 10)
    reserved_concurrent_executions = optional(number, 20)
  })
  default = null

  validation {
    condition     = var.token_revocation == null || (length(try(var.token_revocation.caller_client_ids, [])) > 0 && alltrue([for c in try(var.token_revocation.caller_client_ids, []) : can(regex("^[\\w+]{1,128}$", c))]))
    error_message = "token_revocation.caller_client_ids lists at least one app client id (the M2M clients allowed to revoke)."
  }
}

variable "shared_signals" {
  description = <<-EOT
    Shared Signals receiver (opt-in; null = off). The transmitter: `issuer` (exactly the `iss` of its SETs),
    `audience` (the `aud` values its stream uses for this receiver), and its keys — `jwks_uri`, or by default the
    `jwks_uri` of `<issuer>/.well-known/ssf-configuration` (or `metadata_url`). `algorithms` accepted (default RS256,
    ES256). `provider_name`: the provider's name in the user pool, to tie `iss_sub` subjects to federated users
    (null: such subjects are refused). SETs older than `set_max_age_seconds` are refused. The route: `http_apis`
    (keys of `http_apis`, optional `route_key`, default `POST /ssf/events`) and/or `rest_apis` (keys of `rest_apis`,
    `parent_resource_id`, optional `path_part`, default `ssf-events`; redeploy the REST stage afterwards); neither
    uses an authorizer. `memory_size`, `timeout`, `reserved_concurrent_executions` size the function.
  EOT
  type = object({
    issuer                         = string
    audience                       = list(string)
    jwks_uri                       = optional(string)
    metadata_url                   = optional(string)
    algorithms                     = optional(list(string), ["RS256", "ES256"])
    provider_name                  = optional(string)
    set_max_age_seconds            = optional(number, 900)
    max_body_bytes                 = optional(number, 16384)
    memory_size                    = optional(number, 256)
    timeout                        = optional(number, 15)
    reserved_concurrent_executions = optional(number, 10)
    http_apis = optional(map(object({
      route_key = optional(string, "POST /ssf/events")
    })), {})
    rest_apis = optional(map(object({
      parent_resource_id = string
      path_part          = optional(string, "ssf-events")
    })), {})
  })
  default = null

  validation {
    condition     = var.shared_signals == null || (can(regex("^https://", try(var.shared_signals.issuer, ""))) && length(try(var.shared_signals.audience, [])) > 0 && alltrue([for u in compact([try(var.shared_signals.jwks_uri, null), try(var.shared_signals.metadata_url, null)]) : can(regex("^https://", u))]))
    error_message = "shared_signals: issuer, jwks_uri and metadata_url must be https URLs, and audience must name at least one audience."
  }

  validation {
    condition     = var.shared_signals == null || alltrue([for a in try(var.shared_signals.algorithms, []) : contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"], a)])
    error_message = "shared_signals.algorithms: RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA (never none or an HMAC)."
  }

  validation {
    condition     = var.shared_signals == null || (try(var.shared_signals.set_max_age_seconds, 900) >= 60 && try(var.shared_signals.set_max_age_seconds, 900) <= 86400 && try(var.shared_signals.max_body_bytes, 16384) >= 1024 && try(var.shared_signals.max_body_bytes, 16384) <= 262144 && try(var.shared_signals.timeout, 15) >= 3 && try(var.shared_signals.timeout, 15) <= 29)
    error_message = "shared_signals: set_max_age_seconds 60–86400, max_body_bytes 1024–262144, timeout 3–29 (behind API Gateway)."
  }

  validation {
    condition     = var.shared_signals == null || alltrue([for r in values(try(var.shared_signals.http_apis, {})) : can(regex("^POST /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "shared_signals.http_apis route_key must be `POST /<path>` (no wildcard, no greedy path: the route must reach only the receiver)."
  }

  validation {
    condition     = var.shared_signals == null || alltrue([for r in values(try(var.shared_signals.rest_apis, {})) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && can(regex("^[a-z0-9]{6,12}$", r.parent_resource_id))])
    error_message = "shared_signals.rest_apis: path_part is one path segment, parent_resource_id the API Gateway resource id."
  }
}

variable "global_token_revocation" {
  description = <<-EOT
    Global Token Revocation endpoint (opt-in; null = off). The calling provider: `issuer` (exactly the `iss` of its
    bearer tokens), `audience` (their `aud`), `scope` (the scope they must carry, in `scope` or `scp`), and its keys —
    `jwks_uri`, or by default the `jwks_uri` of `<issuer>/.well-known/oauth-authorization-server` (or
    `metadata_url`). `algorithms` accepted (default RS256, ES256). `provider_name`: the provider's name in the user
    pool, to tie `iss_sub` subjects to federated users (null: such subjects are refused). The route: `http_apis`
    (keys of `http_apis`, optional `route_key`, default `POST /global-token-revocation`) and/or `rest_apis` (keys of
    `rest_apis`, `parent_resource_id`, optional `path_part`, default `global-token-revocation`; redeploy the REST
    stage afterwards); neither uses an authorizer. `memory_size`, `timeout`, `reserved_concurrent_executions` size
    the function.
  EOT
  type = object({
    issuer                         = string
    audience                       = list(string)
    scope                          = string
    jwks_uri                       = optional(string)
    metadata_url                   = optional(string)
    algorithms                     = optional(list(string), ["RS256", "ES256"])
    provider_name                  = optional(string)
    max_body_bytes                 = optional(number, 16384)
    memory_size                    = optional(number, 256)
    timeout                        = optional(number, 15)
    reserved_concurrent_executions = optional(number, 10)
    http_apis = optional(map(object({
      route_key = optional(string, "POST /global-token-revocation")
    })), {})
    rest_apis = optional(map(object({
      parent_resource_id = string
      path_part          = optional(string, "global-token-revocation")
    })), {})
  })
  default = null

  validation {
    condition     = var.global_token_revocation == null || (can(regex("^https://", try(var.global_token_revocation.issuer, ""))) && length(try(var.global_token_revocation.audience, [])) > 0 && alltrue([for u in compact([try(var.global_token_revocation.jwks_uri, null), try(var.global_token_revocation.metadata_url, null)]) : can(regex("^https://", u))]))
    error_message = "global_token_revocation: issuer, jwks_uri and metadata_url must be https URLs, and audience must name at least one audience."
  }

  validation {
    condition     = var.global_token_revocation == null || alltrue([for a in try(var.global_token_revocation.algorithms, []) : contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"], a)])
    error_message = "global_token_revocation.algorithms: RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA (never none or an HMAC)."
  }

  validation {
    condition     = var.global_token_revocation == null || (can(regex("^[\\x21\\x23-\\x5b\\x5d-\\x7e]+$", try(var.global_token_revocation.scope, ""))) && try(var.global_token_revocation.max_body_bytes, 16384) >= 1024 && try(var.global_token_revocation.max_body_bytes, 16384) <= 262144 && try(var.global_token_revocation.timeout, 15) >= 3 && try(var.global_token_revocation.timeout, 15) <= 29)
    error_message = "global_token_revocation: scope is one scope token (no spaces or quotes), max_body_bytes 1024–262144, timeout 3–29 (behind API Gateway)."
  }

  validation {
    condition     = var.global_token_revocation == null || alltrue([for r in values(try(var.global_token_revocation.http_apis, {})) : can(regex("^POST /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "global_token_revocation.http_apis route_key must be `POST /<path>` (no wildcard, no greedy path: the route must reach only the endpoint)."
  }

  validation {
    condition     = var.global_token_revocation == null || alltrue([for r in values(try(var.global_token_revocation.rest_apis, {})) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && can(regex("^[a-z0-9]{6,12}$", r.parent_resource_id))])
    error_message = "global_token_revocation.rest_apis: path_part is one path segment, parent_resource_id the API Gateway resource id."
  }
}

variable "decision_log_sample_rate" {
  description = "Share of allowed decisions the authorizer writes a log line for (0–1; default 0.01). Every deny, store error, fail-open and configuration problem is always logged; at `log_level = \"debug\"` every allow is. Counters are aggregated into one EMF document per container (docs/authorizer.md)."
  type        = number
  default     = 0.01
  nullable    = false

  validation {
    condition     = var.decision_log_sample_rate >= 0 && var.decision_log_sample_rate <= 1
    error_message = "decision_log_sample_rate must be between 0 and 1 (0.01 logs one allow in a hundred)."
  }
}

variable "metrics_flush_decisions" {
  description = "The authorizer writes its aggregated metrics document after at most this many decisions (1–1000), and at the latest with the first decision 60 s after the previous one."
  type        = number
  default     = 1000
  nullable    = false

  validation {
    condition     = var.metrics_flush_decisions >= 1 && var.metrics_flush_decisions <= 1000 && floor(var.metrics_flush_decisions) == var.metrics_flush_decisions
    error_message = "metrics_flush_decisions must be a whole number from 1 to 1000."
  }
}
