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

variable "alarm_sns_topic_arn" {
  description = "SNS topic for the module's alarms (docs/operations.md); null (default) creates none."
  type        = string
  default     = null
}
