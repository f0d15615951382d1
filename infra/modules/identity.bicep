import { resourceTags } from 'types.bicep'

metadata description = 'The user-assigned managed identity the function app runs as; every role assignment in this template is made to it.'

@description('The identity\'s name.')
param name string

@description('The Azure region.')
param location string

@description('Tags for the identity.')
param tags resourceTags

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

@description('The identity\'s principal (object) id, for role assignments.')
output principalId string = identity.properties.principalId
