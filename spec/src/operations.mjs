// The seven Payouts operations the spec must always hold: the contract's table of contents.
// The build fails when one is missing, so a deleted or renamed path never ships by accident.
export const REQUIRED_OPERATIONS = [
  { method: 'get', path: '/v1/lms/payouts/', operationId: 'listPayouts' },
  { method: 'post', path: '/v1/lms/payouts/', operationId: 'createPayout' },
  { method: 'put', path: '/v1/lms/payouts/{id}/mark_processed/', operationId: 'processPayout' },
  { method: 'put', path: '/v1/lms/payouts/{id}/retry/', operationId: 'retryFailedPayout' },
  { method: 'post', path: '/v1/lms/payouts/callback/', operationId: 'receivePayoutCallback' },
  { method: 'get', path: '/v1/lms/payouts/unmatched/', operationId: 'listUnmatchedPayouts' },
  { method: 'put', path: '/v1/lms/payouts/export/', operationId: 'exportPayoutsForBank' },
];
