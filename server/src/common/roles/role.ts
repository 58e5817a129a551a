/** Who a user is to the platform. Kernel vocabulary: access rules, controllers and seeds all speak it. */
export enum Role {
  PlatformAdmin = 'platform_admin',
  Regulator = 'regulator',
  EnterpriseAdmin = 'enterprise_admin',
  SafetyManager = 'safety_manager',
  Welder = 'welder',
}
