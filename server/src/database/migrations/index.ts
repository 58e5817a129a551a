import { Registry1763900000000 } from './1763900000000-Registry';
import { EnterprisesMachines1763900100000 } from './1763900100000-EnterprisesMachines';
import { Permits1763900300000 } from './1763900300000-Permits';
import { AlertsBlackouts1763900400000 } from './1763900400000-AlertsBlackouts';
import { Devices1763900500000 } from './1763900500000-Devices';
import { Authorization1763900600000 } from './1763900600000-Authorization';
import { Reports1763900700000 } from './1763900700000-Reports';
import { RevocationTriggers1763900900000 } from './1763900900000-RevocationTriggers';
import { RatedCurrent1796428800000 } from './1796428800000-RatedCurrent';
import { RelayFault1796432400000 } from './1796432400000-RelayFault';
import { DecisionRecovery1796436000000 } from './1796436000000-DecisionRecovery';
import { FailSafe1796439600000 } from './1796439600000-FailSafe';
import { ClockSkew1796443200000 } from './1796443200000-ClockSkew';
import { BrokerIdentity1796446920000 } from './1796446920000-BrokerIdentity';
import { ImportJobs1796447100000 } from './1796447100000-ImportJobs';
import { DeviceMessages1796447700000 } from './1796447700000-DeviceMessages';
import { CertificateVerification1796450412000 } from './1796450412000-CertificateVerification';
import { GasCatalogue1796450472000 } from './1796450472000-GasCatalogue';
import { PermitChains1796452000000 } from './1796452000000-PermitChains';
import { AlertContext1796454000000 } from './1796454000000-AlertContext';
import { ChipUnbindNotify1796470000000 } from './1796470000000-ChipUnbindNotify';
import { WelderPhotos1796470100000 } from './1796470100000-WelderPhotos';
import { PermitGuidance1796480000000 } from './1796480000000-PermitGuidance';
import { Hazards1796500000000 } from './1796500000000-Hazards';
import { InspectionPlans1796530000000 } from './1796530000000-InspectionPlans';
import { Accounts1796650000000 } from './1796650000000-Accounts';
import { UserPasswordChange1796540000000 } from './1796540000000-UserPasswordChange';
import { TargetedInspections1796540100000 } from './1796540100000-TargetedInspections';
import { CaseInspectionSource1796630000000 } from './1796630000000-CaseInspectionSource';
import { InspectionOnSite1796610000000 } from './1796610000000-InspectionOnSite';
import { AuthSessions1796560000000 } from './1796560000000-AuthSessions';
import { DeviceCertificates1796680000000 } from './1796680000000-DeviceCertificates';
import { DeliveryFailureCodes1796690000000 } from './1796690000000-DeliveryFailureCodes';
import { DeviceCertificateRenewal1796700002001 } from './1796700002001-DeviceCertificateRenewal';
import { EventArchives1796700004001 } from './1796700004001-EventArchives';
import { ProvinceScaleIndexes1796700003001 } from './1796700003001-ProvinceScaleIndexes';
import { MachineOnlineDays1796800003000 } from './1796800003000-MachineOnlineDays';
import { ArcScope1796800004000 } from './1796800004000-ArcScope';
import { CertificateUnverifiedRevocation1796900000000 } from './1796900000000-CertificateUnverifiedRevocation';
import { ChipMovedNotify1796900001000 } from './1796900001000-ChipMovedNotify';
import { LoginAttemptsRetention1796900002000 } from './1796900002000-LoginAttemptsRetention';
import { CensusSnapshot1796900003000 } from './1796900003000-CensusSnapshot';
import { DeniedDecisionsIndex1796900004000 } from './1796900004000-DeniedDecisionsIndex';
import { RankingSignals1796900005000 } from './1796900005000-RankingSignals';
import { NotClosedAlertsIndex1796900006000 } from './1796900006000-NotClosedAlertsIndex';
import { StoredMachineSuspects1796900007000 } from './1796900007000-StoredMachineSuspects';
import { AlertsListOrderIndex1796900008000 } from './1796900008000-AlertsListOrderIndex';
import { AlertsAutovacuum1796900009000 } from './1796900009000-AlertsAutovacuum';
import { OffPlatformAudit1796510000000 } from './1796510000000-OffPlatformAudit';
import { EnforcementCases1796520000000 } from './1796520000000-EnforcementCases';
import { Rewards1796520100000 } from './1796520100000-Rewards';
import { DocumentNumbers1796620000000 } from './1796620000000-DocumentNumbers';
import { Notifications1796670000000 } from './1796670000000-Notifications';

/** Every migration in order; a new migration file is added here too. */
export const MIGRATIONS = [
  Registry1763900000000,
  EnterprisesMachines1763900100000,
  Permits1763900300000,
  AlertsBlackouts1763900400000,
  Devices1763900500000,
  Authorization1763900600000,
  Reports1763900700000,
  RevocationTriggers1763900900000,
  RatedCurrent1796428800000,
  RelayFault1796432400000,
  DecisionRecovery1796436000000,
  FailSafe1796439600000,
  ClockSkew1796443200000,
  BrokerIdentity1796446920000,
  ImportJobs1796447100000,
  DeviceMessages1796447700000,
  CertificateVerification1796450412000,
  GasCatalogue1796450472000,
  PermitChains1796452000000,
  AlertContext1796454000000,
  ChipUnbindNotify1796470000000,
  WelderPhotos1796470100000,
  PermitGuidance1796480000000,
  Hazards1796500000000,
  OffPlatformAudit1796510000000,
  EnforcementCases1796520000000,
  Rewards1796520100000,
  InspectionPlans1796530000000,
  UserPasswordChange1796540000000,
  TargetedInspections1796540100000,
  CaseInspectionSource1796630000000,
  InspectionOnSite1796610000000,
  DocumentNumbers1796620000000,
  Accounts1796650000000,
  AuthSessions1796560000000,
  Notifications1796670000000,
  DeviceCertificates1796680000000,
  DeliveryFailureCodes1796690000000,
  DeviceCertificateRenewal1796700002001,
  EventArchives1796700004001,
  ProvinceScaleIndexes1796700003001,
  MachineOnlineDays1796800003000,
  ArcScope1796800004000,
  CertificateUnverifiedRevocation1796900000000,
  ChipMovedNotify1796900001000,
  LoginAttemptsRetention1796900002000,
  CensusSnapshot1796900003000,
  DeniedDecisionsIndex1796900004000,
  RankingSignals1796900005000,
  NotClosedAlertsIndex1796900006000,
  StoredMachineSuspects1796900007000,
  AlertsListOrderIndex1796900008000,
  AlertsAutovacuum1796900009000,
];
