import { targetDecider, yuan } from '../src';
import { DeciderSpecification } from './decider-spec';
import { date } from './fixtures';

/** The helper itself must fail when a decision differs in any way from what the spec says. */
describe('DeciderSpecification', () => {
  const given = DeciderSpecification.for(targetDecider);
  const set = { type: 'SetAnnualTarget' as const, regionCode: '360700', year: 2011, loans: 3000, amount: yuan(1_000) };
  const data = { regionCode: '360700', year: 2011, loans: 3000, amount: yuan(1_000), setOn: date('2011-01-02') };

  it('fails on a missing event, an extra event, or any difference in the data', () => {
    const when = given().when(set, '2011-01-02');
    expect(() => when.then([{ type: 'AnnualTargetSet', data }])).not.toThrow();
    expect(() => when.then([])).toThrow();
    expect(() =>
      when.then([
        { type: 'AnnualTargetSet', data },
        { type: 'AnnualTargetSet', data },
      ]),
    ).toThrow();
    expect(() => when.then([{ type: 'AnnualTargetSet', data: { ...data, loans: 3001 } }])).toThrow();
    expect(() => when.then([{ type: 'AnnualTargetSet', data: { ...data, setOn: date('2011-01-03') } }])).toThrow();
    expect(() => when.thenNothingHappened()).toThrow();
  });

  it('fails when a refusal is expected and the command is accepted, or refused for another reason', () => {
    expect(() =>
      given()
        .when({ ...set, regionCode: '990000' }, '2011-01-02')
        .thenRefuses('REFERENCE.UNKNOWN_REGION'),
    ).not.toThrow();
    expect(() =>
      given()
        .when({ ...set, regionCode: '990000' }, '2011-01-02')
        .thenRefuses('TARGET.BAD_YEAR'),
    ).toThrow();
    expect(() => given().when(set, '2011-01-02').thenRefuses('REFERENCE.UNKNOWN_REGION')).toThrow(/accepted/);
  });
});
