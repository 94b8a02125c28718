# Outputs mirror infra/bicep/main.bicep's (snake_case here, camelCase there).

output "function_app_name" {
  description = "Name of the Function App."
  value       = module.function_app.name
}

output "function_app_default_host_name" {
  description = "Default host name of the Function App (*.azurewebsites.net)."
  value       = module.function_app.default_host_name
}

output "vault_base_uri" {
  description = "Base URI of the default vault; other vaults are https://{vault}.{vault_dns_suffix}."
  value       = "https://${var.vault_dns_suffix}"
}

output "managed_identity_client_id" {
  description = "Client id of the managed identity the app runs as."
  value       = module.identity.client_id
}

output "managed_identity_principal_id" {
  description = "Object (principal) id of the managed identity, for further role assignments."
  value       = module.identity.principal_id
}

output "storage_account_name" {
  description = "Name of the storage account (tables and Functions runtime)."
  value       = module.storage.name
}

output "log_analytics_workspace_id" {
  description = "Resource id of the Log Analytics workspace with the app and storage diagnostics."
  value       = module.monitoring.workspace_id
}
