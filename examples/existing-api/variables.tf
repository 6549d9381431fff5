variable "region" {
  description = "Region of the pool and the APIs."
  type        = string
  default     = "eu-west-1"
}

variable "user_pool_id" {
  description = "Id of the user pool managed elsewhere."
  type        = string
  default     = "eu-west-1_AbCdEf123"
}

variable "client_ids" {
  description = "App client ids whose tokens the APIs accept."
  type        = list(string)
  default     = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

variable "rest_api_id" {
  description = "REST API managed elsewhere, on which the module creates the authorizer."
  type        = string
  default     = "a1b2c3d4e5"
}

variable "http_api_id" {
  description = "HTTP API managed elsewhere, on which the module creates the authorizer."
  type        = string
  default     = "f6g7h8i9j0"
}

variable "legacy_rest_api_id" {
  description = "REST API whose team keeps its own authorizer resource and method wiring."
  type        = string
  default     = "k1l2m3n4o5"
}

variable "legacy_authorizer_id" {
  description = "Id of that team's authorizer; its URI is pointed at `authorizer_invoke_arn`."
  type        = string
  default     = "x9y8z7"
}

variable "package_dir" {
  description = "Directory with the built zips (`npm run build`); null means the module's own dist/."
  type        = string
  default     = null
}
