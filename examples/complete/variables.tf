variable "region" {
  description = "Region to deploy the example in."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the example's pool, APIs and module resources."
  type        = string
  default     = "revocation-example"
}
