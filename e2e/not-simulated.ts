// Kept apart from lib.ts so that the runner can print it without starting a suite.
/** What a simulated cluster cannot show: checked only with `npm run e2e -- --context <ctx>` on a real one. */
export const NOT_SIMULATED = [
  'images: pulled, started as their numeric user, with the ports and writable paths the guides give',
  'probes passing (kwok marks pods Ready without running them)',
  'a pod whose Secret or ConfigMap key is missing waiting in CreateContainerConfigError',
  'traffic: npm run smoke (HTTP and database answers through each Service and Ingress rule), DNS',
  'NetworkPolicy enforcement, LoadBalancer addresses, ingress controllers routing',
  'Gateway API routing: no controller runs, so the GatewayClass and Gateway stay Accepted/Programmed Unknown (Pending); the CRDs\' schema and CEL rules are checked',
  'Jobs doing their work: kwok marks every Job pod Succeeded (exit code 0) once Running, so failures, backoffLimit and activeDeadlineSeconds are not exercised',
  'init containers running: kwok writes them Completed at once, so their order and a failing one blocking the pod are not shown',
  'autoscaling on CPU: no metrics API, so the HorizontalPodAutoscaler\'s ScalingActive is False; only minReplicas and its target are checked',
];
