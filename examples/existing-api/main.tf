# Only the revocation: the user pool and the APIs are managed elsewhere (another state, another team).
# The module creates authorizers on two APIs and, for a third API whose team keeps its own authorizer,
# only the invoke permission scoped to that one authorizer.

module "cognito_revocation" {
  source = "../.."

  user_pool_id = var.user_pool_id
  client_ids   = var.client_ids
  token_use    = "access"
  package_dir  = var.package_dir

  rest_apis = {
    orders = {
      rest_api_id = var.rest_api_id
      # Attach it to your methods: authorization = "CUSTOM", authorizer_id = <rest_api_authorizer_ids["orders"]>.
    }
  }

  http_apis = {
    catalog = {
      api_id = var.http_api_id
      # Attach it to your routes: authorization_type = "CUSTOM", authorizer_id = <http_api_authorizer_ids["catalog"]>.
    }
  }

  existing_authorizers = {
    legacy = {
      api_id        = var.legacy_rest_api_id
      authorizer_id = var.legacy_authorizer_id
    }
  }
}
