// The domains every fake registers at start (startFakeAsc({ domains }) overrides the list).
// To add one: write domains/<name>.ts exporting a Domain, import it here and append it.
import type { Domain } from '../types.js'
import { coreDomain } from './core.js'
import { inspectDomain } from './inspect.js'
import { reportsDomain } from './reports.js'
import { buildsDomain } from './builds.js'
import { testflightDomain } from './testflight.js'
import { buildUploadsDomain } from './build-uploads.js'
import { provisioningDomain } from './provisioning.js'
import { bundleIdsDomain } from './bundle-ids.js'
import { certificatesDomain } from './certificates.js'
import { appStoreDomain } from './app-store.js'
import { appStoreReviewDomain } from './app-store-review.js'

export const defaultDomains: Domain[] = [
  inspectDomain,
  coreDomain,
  reportsDomain,
  buildsDomain,
  provisioningDomain,
  bundleIdsDomain,
  certificatesDomain,
  testflightDomain,
  buildUploadsDomain,
  appStoreDomain,
  appStoreReviewDomain
]
