import { api } from '../../api/client';
import { useMutation, useResource } from '../../api/useResource';
import type {
  ContractEntry,
  EnrolBody,
  EnrolResult,
  KeyPopulation,
  RegisterResidentBody,
  RegisteredResident,
  ScreeningBody,
  ScreeningResult,
  SelfCareBody,
  SelfCareResult,
  SignContractBody,
  SignedContract,
} from './care.types';

const residentPath = (id: string) => `/api/residents/${encodeURIComponent(id)}`;
const contractPath = (id: string) => `/api/contracts/${encodeURIComponent(id)}`;

export const careApi = {
  contracts: (residentId: string, signal?: AbortSignal) =>
    api.get<{ items: ContractEntry[] }>(`${residentPath(residentId)}/contracts`, { signal }),
  sign: (body: SignContractBody) => api.post<SignedContract>('/api/contracts', body),
  renew: (contractId: string, body: { packageCode?: string; keyPopulations?: KeyPopulation[] }) =>
    api.post<SignedContract>(`${contractPath(contractId)}/renew`, body),
  terminate: (contractId: string, reason: string) =>
    api.post<{ id: string; status: 'terminated' }>(`${contractPath(contractId)}/terminate`, { reason }),
  changeTeam: (contractId: string, body: { teamId: string; reason: string }) =>
    api.post<SignedContract>(`${contractPath(contractId)}/change-team`, body),
  screen: (residentId: string, body: ScreeningBody) => api.post<ScreeningResult>(`${residentPath(residentId)}/screenings`, body),
  enrol: (residentId: string, body: EnrolBody) => api.post<EnrolResult>(`${residentPath(residentId)}/enrolments`, body),
  selfCare: (residentId: string, body: SelfCareBody) => api.post<SelfCareResult>(`${residentPath(residentId)}/self-care-assessments`, body),
  register: (body: RegisterResidentBody) => api.post<RegisteredResident>('/api/residents', body),
};

/** Contract history of a resident (newest first as the server sends it). */
export function useContracts(residentId: string, enabled = true) {
  return useResource(enabled ? `contracts:${residentId}` : null, (signal) => careApi.contracts(residentId, signal));
}

export const useSignContract = () => useMutation(careApi.sign);
export const useRenewContract = () =>
  useMutation((a: { contractId: string; packageCode?: string; keyPopulations?: KeyPopulation[] }) => {
    const { contractId, ...body } = a;
    return careApi.renew(contractId, body);
  });
export const useTerminateContract = () =>
  useMutation((a: { contractId: string; reason: string }) => careApi.terminate(a.contractId, a.reason));
export const useChangeTeam = () =>
  useMutation((a: { contractId: string; teamId: string; reason: string }) =>
    careApi.changeTeam(a.contractId, { teamId: a.teamId, reason: a.reason }),
  );
export const useScreening = (residentId: string) => useMutation((body: ScreeningBody) => careApi.screen(residentId, body));
export const useEnrol = (residentId: string) => useMutation((body: EnrolBody) => careApi.enrol(residentId, body));
export const useSelfCare = (residentId: string) => useMutation((body: SelfCareBody) => careApi.selfCare(residentId, body));
export const useRegisterResident = () => useMutation(careApi.register);
