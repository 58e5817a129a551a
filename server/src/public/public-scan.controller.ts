import { Controller, Get, Header, Param, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Public } from '../access/decorators';
import { PublicMachineScanDto, PublicWelderScanDto } from './dto/public-scan.dto';
import { PublicScanThrottlerGuard } from './public-scan-throttler.guard';
import { PublicScanService } from './public-scan.service';

@ApiTags('public')
@Controller('public')
export class PublicScanController {
  constructor(private readonly scans: PublicScanService) {}

  @Public()
  @UseGuards(PublicScanThrottlerGuard)
  @Get('codes/:code')
  // Validity changes (re-issue, revocation, certificate expiry), so nobody may cache an answer.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Scan a QR code without logging in: what it identifies and whether it is valid (rate-limited per address)',
  })
  @ApiParam({
    name: 'code',
    description: 'The code as printed under the QR image (case-insensitive)',
    example: 'M0ZK3X7Q9T2BC8N4HJ6V5R',
  })
  @ApiExtraModels(PublicMachineScanDto, PublicWelderScanDto)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(PublicMachineScanDto) }, { $ref: getSchemaPath(PublicWelderScanDto) }] },
  })
  @ApiBadRequestResponse({ description: 'CODE_MALFORMED, or CODE_FORGED (伪造或被篡改)' })
  @ApiNotFoundResponse({ description: 'CODE_UNKNOWN: genuine but not registered' })
  @ApiGoneResponse({
    description:
      'CODE_REVOKED, details {subjectType, revokedAt, reasonCategory: reissued | machine_retired | revoked} (never the typed reason)',
  })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_REQUESTS' })
  scan(@Param('code') code: string): Promise<PublicMachineScanDto | PublicWelderScanDto> {
    return this.scans.scan(code);
  }

  @Public()
  @UseGuards(PublicScanThrottlerGuard)
  @Get('codes/:code/photo')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      "The welder's approved photo behind a valid welder code, for anonymous scanners; 404 when the deployment keeps photos private (WELDER_PHOTO_PUBLIC=false), there is none, or the code is not a valid welder code",
  })
  @ApiParam({ name: 'code', description: 'The welder code as printed under the QR image' })
  @ApiProduces('image/jpeg', 'image/png')
  async photo(@Param('code') code: string): Promise<StreamableFile> {
    const p = await this.scans.welderPhoto(code);
    return new StreamableFile(p.data, { type: p.contentType, length: p.data.length, disposition: 'inline' });
  }
}
