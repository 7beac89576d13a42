import { Chart } from 'cdk8s';
import { formatFinding, validate } from '../../validator';
import { HOSTILE_CASES, VALID_CASES, testChart } from './hostile-props';

/** The objects of `chart` as the validator reads them. */
const manifests = (chart: Chart) => chart.toJson().map((object, index) => ({ file: 'test.yaml', index, object }));

/** How every message starts: a prop path (`name`, `tls.secretName`, `routes[0].path`, `data key`), after `method()` for a method's props. */
const PROP_PATH = /^([a-zA-Z]+\(\) )?[a-z][a-zA-Z]*(\.[a-zA-Z]+|\[(\d+|"[^"]*")\])*( key)? /;
/** How a message about two objects of one name starts: the kind and the name. */
const DUPLICATE = /^[A-Z][A-Za-z]* "[^"]*" is defined twice /;

describe('hostile props are refused with a message that names the prop and the value', () => {
  test.each(HOSTILE_CASES.map((c) => [c.construct, c.prop, JSON.stringify(c.value) ?? String(c.value), c]))('%s %s %s', (_, __, ___, hostile) => {
    const chart = testChart();
    expect(() => {
      (hostile.build(chart) ?? chart).toJson();
    }).toThrow(new Error(hostile.message));
  });

  test('every message is one line with no trailing period and starts with the prop path (an object, for a duplicate)', () => {
    const messages = HOSTILE_CASES.map((c) => c.message);
    expect(messages.filter((m) => /\n|\.$/.test(m))).toEqual([]);
    const duplicates = HOSTILE_CASES.filter((c) => c.construct === 'NamespacedChart objects').map((c) => c.message);
    expect(duplicates.filter((m) => !DUPLICATE.test(m))).toEqual([]);
    expect(messages.filter((m) => !duplicates.includes(m) && !PROP_PATH.test(m))).toEqual([]);
  });
});

describe('valid values are accepted, and the validator passes what they make', () => {
  test.each(VALID_CASES.map((c) => [c.construct, c.prop, c.value, c]))('%s %s %s', (_, __, ___, valid) => {
    expect(validate(manifests(valid.build())).map(formatFinding)).toEqual([]);
  });
});
