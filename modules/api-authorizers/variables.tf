variable "function_name" {
  description = "Name of the authorizer Lambda function to grant invoke permissions on."
  type        = string
}

variable "invoke_arn" {
  description = "Invoke ARN of the authorizer Lambda function (the authorizer URI)."
  type        = string
}

variable "partition" {
  description = "AWS partition of the APIs (`aws`, `aws-cn`, `aws-us-gov`)."
  type        = string

  validation {
    condition     = can(regex("^aws(-[a-z]+)*$", var.partition))
    error_message = "partition must be an AWS partition such as aws, aws-cn or aws-us-gov."
  }
}

variable "region" {
  description = "Region of the APIs (the authorizer function's region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "account_id" {
  description = "Account id owning the APIs."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "name_prefix" {
  description = "Prefix of authorizer names when an API entry does not name its authorizer."
  type        = string
  default     = "cognito-revocation"
  nullable    = false
}

variable "rest_apis" {
  description = "REST APIs to create a Lambda authorizer on, keyed by a short name. See the root module's `rest_apis`."
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
}

variable "http_apis" {
  description = "HTTP APIs to create a Lambda authorizer (REQUEST, payload 2.0, simple responses) on, keyed by a short name. See the root module's `http_apis`."
  type = map(object({
    api_id                           = string
    name                             = optional(string)
    identity_sources                 = optional(list(string), ["$request.header.Authorization"])
    authorizer_result_ttl_in_seconds = optional(number, 0)
  }))
  default  = {}
  nullable = false
}

variable "enable_simple_responses" {
  description = "Whether the HTTP API authorizers expect simple (`isAuthorized`) responses rather than IAM policies; must match the function's HTTP_API_RESPONSE_MODE."
  type        = bool
  default     = true
  nullable    = false
}

variable "existing_authorizers" {
  description = "Authorizers managed elsewhere whose URI points at the authorizer function, keyed by a short name: API id and authorizer id."
  type = map(object({
    api_id        = string
    authorizer_id = string
  }))
  default  = {}
  nullable = false
}

variable "appsync_api_ids" {
  description = "AppSync GraphQL API ids allowed to invoke the authorizer for Lambda authorization, keyed by a short name."
  type        = map(string)
  default     = {}
  nullable    = false
}
