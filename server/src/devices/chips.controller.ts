import { Body, Controller, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { PublicReadThrottlerGuard } from '../common/http/named-limit.guard';
import { CurrentActor, Public, Roles } from '../access/decorators';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { ChipsService } from './chips.service';
import { ChipCertificateView, DeviceCaView, DeviceStatusView, ServerKeyView } from './device.view';
import { DevicePki } from './pki/device-pki.service';
import { BindChipDto } from './dto/bind-chip.dto';
import { ReplaceChipDto, UnbindChipDto } from './dto/unbind-chip.dto';

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class ChipsController {
  constructor(
    private readonly chips: ChipsService,
    private readonly pki: DevicePki,
  ) {}

  @Post('machines/:id/chip')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary: 'Bind a chip (加芯) to a machine: chip id and its Ed25519 public key, scanned from the chip',
  })
  @ApiOkResponse({ type: DeviceStatusView })
  bind(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: BindChipDto) {
    return this.chips.bind(actor, id, dto);
  }

  @Post('machines/:id/chip/unbind')
  @HttpCode(204)
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary:
      'Unbind the chip from a machine, with a reason (audited): the device is refused at once, its live grants are revoked',
  })
  async unbind(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UnbindChipDto,
  ): Promise<void> {
    await this.chips.unbind(actor, id, dto);
  }

  @Post('machines/:id/chip/replace')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary:
      'Replace the chip of a machine (换芯): the old one is unbound with a reason, the new one bound, in one step',
  })
  @ApiOkResponse({ type: DeviceStatusView })
  replace(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: ReplaceChipDto) {
    return this.chips.replace(actor, id, dto);
  }

  @Get('machines/:id/device')
  @ApiOperation({ summary: 'Device of a machine: bound chip, online state, last position and latest events' })
  @ApiOkResponse({ type: DeviceStatusView })
  status(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.chips.status(actor, id);
  }

  @Get('machines/:id/chip/certificate')
  @ApiOperation({
    summary:
      "The chip's mutual-TLS certificate (issued at binding for the chip's own key, CN = chip id) and the device CA certificate",
  })
  @ApiOkResponse({ type: ChipCertificateView })
  certificate(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.chips.certificate(actor, id);
  }

  @Get('devices/ca')
  @Public()
  @UseGuards(PublicReadThrottlerGuard)
  @ApiOperation({ summary: 'The device CA certificate: devices and brokers trust it for mutual TLS' })
  @ApiOkResponse({ type: DeviceCaView })
  deviceCa(): DeviceCaView {
    return { certificatePem: this.pki.caPem };
  }

  @Get('devices/crl')
  @Public()
  @UseGuards(PublicReadThrottlerGuard)
  @Header('Content-Type', 'application/x-pem-file')
  @ApiOperation({
    summary:
      'The device CRL (PEM): certificates of chips that left their machine; rewritten on every unbind (broker crlfile)',
  })
  @ApiProduces('application/x-pem-file')
  @ApiOkResponse({ schema: { type: 'string' } })
  deviceCrl(): string {
    return this.pki.crlPem();
  }

  @Get('devices/server-key')
  @ApiOperation({
    summary: "The server's Ed25519 public key that devices are provisioned with to verify server messages",
  })
  @ApiOkResponse({ type: ServerKeyView })
  serverKey(): ServerKeyView {
    return this.chips.serverKey();
  }
}
