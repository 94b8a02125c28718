terraform {
  required_version = ">= 1.6"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
  }
}

provider "azurerm" {
  features {}
  # The storage account has shared-key access off: the provider must use Entra ID for data-plane calls.
  storage_use_azuread = true
}
