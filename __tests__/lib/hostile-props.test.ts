import { Chart } from 'cdk8s';
import { formatFinding, validate } from '../../validator';
import { HOSTILE_CASES, VALID_CASES, testChart } from './hostile-props';

/** The objects of `chart` as the validator reads them. */
const manifests = (chart: Chart) => chart.toJson().map((object, index) => ({ file: 'test.yaml', index, object }));

/** How every message starts: a prop path (`name`, `tls.secretName`, `routes[0].path`, `data key`), after `method()` for a method's props. */
const PROP_PATH = /^([a-zA-Z]+\(\) )?[a-zA-Z]+(\.[a-zA-Z]+|\[(\d+|"[^"]*")\])*( key)? /;

describe('hostile props are refused with a message that names the prop and the value', () => {
  test.each(HOSTILE_CASES.map((c) => [c.construct, c.prop, JSON.stringify(c.value) ?? String(c.value), c]))('%s %s %s', (_, __, ___, hostile) => {
    const chart = testChart();
    expect(() => {
      (hostile.build(chart) ?? chart).toJson();
    }).toThrow(new Error(hostile.message));
  });

  test('every message is one line, lowercase first, with no trailing period, and starts with the prop path', () => {
    const objectErrors = HOSTILE_CASES.filter((c) => c.construct === 'NamespacedChart objects');
    for (const { message } of HOSTILE_CASES) {
      expect(message).not.toMatch(/\n|\.$/);
      if (!objectErrors.some((c) => c.message === message)) expect(message).toMatch(PROP_PATH);
    }
  });
});

describe('valid values are accepted, and the validator passes what they make', () => {
  test.each(VALID_CASES.map((c) => [c.construct, c.prop, c.value, c]))('%s %s %s', (_, __, ___, valid) => {
    expect(validate(manifests(valid.build())).map(formatFinding)).toEqual([]);
  });
});
