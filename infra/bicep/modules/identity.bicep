// The user-assigned identity the Function App runs as: storage (tables, runtime blobs and queues),
// the registry (AcrPull) and the HSM PIN secret (Key Vault reference) are all reached with it.

@description('Azure region.')
param location string

@description('Name of the user-assigned managed identity.')
param name string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
