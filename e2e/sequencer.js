// The e2e files run in a fixed order: what the API server refuses first (fast, and a failure there
// explains later ones), then the examples, then what the guides show of the controllers
// (concepts), then the validator's corpus, the guides step by step, then the smoke checks.
const Sequencer = require('@jest/test-sequencer').default;

const ORDER = ['bites', 'examples', 'concepts', 'validator-agreement', 'guides', 'smoke', 'loopback'];
const rank = (file) => {
  const i = ORDER.findIndex((name) => file.endsWith(`${name}.e2e.test.ts`));
  return i === -1 ? ORDER.length : i;
};

class E2eSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = E2eSequencer;
