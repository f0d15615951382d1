import { resourceTags } from 'types.bicep'

metadata description = 'The storage account: Durable Functions task hub, crew run/memory/cache blobs, the kickoff and result queues, and the deployment package. Shared keys are off; the app reaches it with its managed identity.'

@description('The storage account\'s name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('The Azure region.')
param location string

@description('Tags for the account.')
param tags resourceTags

@description('The blob container Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('The name of the user-assigned identity (in this resource group) that gets data-plane roles on the account.')
param identityName string

// The containers the app writes (docs/ARCHITECTURE: storage layout) plus the deployment package container.
var containerNames = [
  'crew-runs'
  'crew-memory'
  'crew-knowledge'
  'crew-cache'
  'crews'
  'crew-poison'
  deploymentContainerName
]

var queueNames = [
  'crew-kickoffs'
  'crew-results'
]

// The Functions host and the Durable Task Azure Storage provider use blobs (leases, large messages), queues
// (control and work-item queues) and tables (history and instances); these three roles are what they need.
var roleDefinitionIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource account 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    publicNetworkAccess: 'Enabled'
    supportsHttpsTrafficOnly: true
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-06-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roleDefinitionIds): {
    name: guid(account.id, identity.id, role.value)
    scope: account
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]

@description('The account\'s name.')
output name string = account.name

@description('The blob service endpoint, e.g. https://NAME.blob.core.windows.net/.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('The queue service endpoint.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('The table service endpoint.')
output tableEndpoint string = account.properties.primaryEndpoints.table
