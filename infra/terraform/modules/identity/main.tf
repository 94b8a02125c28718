# The user-assigned identity the Function App runs as.

variable "name" {
  description = "Name of the user-assigned managed identity."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group to deploy into."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}

resource "azurerm_user_assigned_identity" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

output "id" {
  description = "Resource id of the identity."
  value       = azurerm_user_assigned_identity.this.id
}

output "client_id" {
  description = "Client id of the identity."
  value       = azurerm_user_assigned_identity.this.client_id
}

output "principal_id" {
  description = "Object id of the identity."
  value       = azurerm_user_assigned_identity.this.principal_id
}
