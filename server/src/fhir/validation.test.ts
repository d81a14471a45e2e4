import { describe, expect, it } from 'vitest';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { requiredBindingIssues, validationIssues } from './validation.js';

const observation: Observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
  component: [
    { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 120, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
    { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 80, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
  ],
};

describe('required bindings (which Medplum does not check)', () => {
  it('accepts codes inside their required value sets', () => {
    expect(requiredBindingIssues(observation)).toEqual([]);
    expect(validationIssues(observation)).toEqual([]);
  });

  it('names each code outside its value set, however deep', () => {
    const bad = {
      ...observation,
      status: 'bogus',
      component: [observation.component![0]!, { ...observation.component![1]!, valueQuantity: { value: 80, comparator: '~' } }],
    } as unknown as Observation;
    expect(requiredBindingIssues(bad).map((i) => i.expression![0])).toEqual(['Observation.status', 'Observation.component[1].valueQuantity.comparator']);
  });

  it('follows data types and contained resources', () => {
    const patient = { resourceType: 'Patient', gender: 'man', name: [{ use: 'formal', text: 'x' }], contained: [{ resourceType: 'Observation', status: 'nope', code: { text: 'x' } }] } as unknown as Patient;
    expect(requiredBindingIssues(patient).map((i) => i.expression![0]).sort()).toEqual(['Patient.contained[0].status', 'Patient.gender', 'Patient.name[0].use']);
  });
});
