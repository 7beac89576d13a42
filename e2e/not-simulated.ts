// Kept apart from lib.ts so that the runner can print it without starting a suite.
/** What a simulated cluster cannot show: checked only with `npm run e2e -- --context <ctx>` on a real one. */
export const NOT_SIMULATED = [
  'images: pulled, started as their numeric user, with the ports and writable paths the guides give',
  'probes passing (kwok marks pods Ready without running them)',
  'a pod whose Secret or ConfigMap key is missing waiting in CreateContainerConfigError',
  'traffic: npm run smoke (HTTP and database answers through each Service and Ingress rule), DNS',
  'NetworkPolicy enforcement, LoadBalancer addresses, ingress controllers routing',
];
