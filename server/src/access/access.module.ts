// access/ = TENANT SCOPING: what a logged-in actor may see. AccessPolicy limits every query to the
// actor's enterprise, region subtree or own records (out of scope reads as not found). Not log-in
// (auth/), not the arm decision (authorization/).
import { Global, Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy';

@Global()
@Module({ providers: [AccessPolicy], exports: [AccessPolicy] })
export class AccessModule {}
