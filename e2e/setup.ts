// After each e2e test: how many assertions it made, for the runner's summary.
import { recordStats } from './lib';

afterEach(() => {
  recordStats({ test: expect.getState().currentTestName, assertions: expect.getState().assertionCalls });
});
