variable "setting" {
  description = "Name of the caller's input that asked for the route (e.g. `logout`), for error messages."
  type        = string
  nullable    = false
}

variable "permission_name" {
  description = "Middle of each invoke permission's statement id: `HttpApi<permission_name>-<key>` and `RestApi<permission_name>-<key>` (letters and digits)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]{1,60}$", var.permission_name))
    error_message = "permission_name must be 1–60 letters or digits (it becomes part of a Lambda statement id)."
  }
}

variable "invoke_arn" {
  description = "Invoke ARN of the Lambda function the route reaches (its `invoke_arn` attribute). May be null while `http_apis` and `rest_apis` are empty."
  type        = string
  default     = null
}

variable "partition" {
  description = "AWS partition of the APIs (`aws`, `aws-cn`, `aws-us-gov`), for the source ARNs of the invoke permissions."
  type        = string
  nullable    = false
}

variable "region" {
  description = "Region of the APIs, for the source ARNs of the invoke permissions."
  type        = string
  nullable    = false
}

variable "account_id" {
  description = "Account id of the APIs, for the source ARNs of the invoke permissions."
  type        = string
  nullable    = false
}

variable "authorization" {
  description = "`NONE`: the route has no authorizer (the function authenticates its caller). `CUSTOM`: every route uses the Lambda authorizer named in `http_api_authorizer_ids` / `rest_api_authorizer_ids` for its API."
  type        = string
  default     = "NONE"
  nullable    = false

  validation {
    condition     = contains(["NONE", "CUSTOM"], var.authorization)
    error_message = "authorization must be NONE or CUSTOM."
  }
}

variable "http_apis" {
  description = "HTTP APIs to add the route to, by the caller's key: `api_id` and `route_key` (`<METHOD> /<path>`, no wildcard)."
  type = map(object({
    api_id    = string
    route_key = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for r in values(var.http_apis) : r.api_id != null])
    error_message = "Each http_apis entry needs its api_id."
  }

  validation {
    condition     = alltrue([for r in values(var.http_apis) : can(regex("^(POST|DELETE|PUT|PATCH|GET) /[A-Za-z0-9._~/-]*$", r.route_key))])
    error_message = "http_apis route_key must be `<METHOD> /<path>` without a wildcard or greedy path: the route must reach only this function."
  }
}

variable "rest_apis" {
  description = "REST APIs to add the resource and method to, by the caller's key: `rest_api_id`, `parent_resource_id`, `path_part` (one path segment) and `http_method` (default POST). Redeploy the stage afterwards."
  type = map(object({
    rest_api_id        = string
    parent_resource_id = string
    path_part          = string
    http_method        = optional(string, "POST")
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for r in values(var.rest_apis) : r.rest_api_id != null && r.parent_resource_id != null])
    error_message = "Each rest_apis entry needs its rest_api_id and parent_resource_id."
  }

  validation {
    condition     = alltrue([for r in values(var.rest_apis) : can(regex("^[A-Za-z0-9._~-]{1,64}$", r.path_part)) && contains(["POST", "DELETE", "PUT", "PATCH", "GET"], r.http_method)])
    error_message = "rest_apis path_part must be one path segment (letters, digits, `.`, `_`, `~`, `-`) and http_method one method (no ANY): the method must reach only this function."
  }
}

# Apart from the APIs, so that the routes' invoke permissions (which the function's own module creates, see
# main.tf) do not depend on the authorizers, whose permissions belong to another function of the same caller.
variable "http_api_authorizer_ids" {
  description = "With `authorization = \"CUSTOM\"`: the authorizer id on each HTTP API, by the `http_apis` key."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "rest_api_authorizer_ids" {
  description = "With `authorization = \"CUSTOM\"`: the authorizer id on each REST API, by the `rest_apis` key."
  type        = map(string)
  default     = {}
  nullable    = false
}
