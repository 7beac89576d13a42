export * from './checks';
export * from './labels';
export * from './namespaced-chart';
export * from './secure-container';
export * from './web-app';
export * from './toolbox';
export * from './log-shipper';
