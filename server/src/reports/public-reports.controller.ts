import { Body, Controller, Get, Header, Param, Post, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { Public } from '../access/decorators';
import { SubmitReportDto } from './dto/report.dto';
import { MAX_PHOTO_BYTES, MAX_REPORT_PHOTOS, UploadedPhoto } from './photo-files';
import { PublicReadThrottlerGuard } from '../common/http/named-limit.guard';
import { PublicReportThrottlerGuard, ReportStatusThrottlerGuard } from './report-throttler.guards';
import { PublicRegionDto, PublicReportStatusDto, ReportReceiptDto } from './report.view';
import { ReportsService } from './reports.service';

@ApiTags('public')
@Controller('public')
export class PublicReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Public()
  @UseGuards(PublicReportThrottlerGuard)
  @Post('reports')
  // One file more than allowed reaches the service, which answers with a field error; beyond that multer stops (413).
  @UseInterceptors(
    FilesInterceptor('photos', MAX_REPORT_PHOTOS + 1, {
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_REPORT_PHOTOS + 1, fields: 20, fieldSize: 16 * 1024 },
    }),
  )
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiExtraModels(SubmitReportDto)
  @ApiBody({
    schema: {
      allOf: [
        { $ref: getSchemaPath(SubmitReportDto) },
        {
          type: 'object',
          properties: {
            photos: {
              type: 'array',
              maxItems: MAX_REPORT_PHOTOS,
              items: { type: 'string', format: 'binary' },
              description: 'JPEG or PNG, at most 5 MB each',
            },
          },
        },
      ],
    },
  })
  @ApiOperation({
    summary:
      'One-click report (一键举报) of suspected illegal welding, with up to 3 photos and a location; answers a tracking code (rate-limited per address)',
  })
  @ApiCreatedResponse({ type: ReportReceiptDto })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED with field codes' })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_REQUESTS' })
  submit(
    @Body() dto: SubmitReportDto,
    @UploadedFiles() photos: UploadedPhoto[] | undefined,
  ): Promise<ReportReceiptDto> {
    return this.reports.submit(dto, photos);
  }

  @Public()
  @UseGuards(PublicReadThrottlerGuard)
  @Get('report-regions')
  @ApiOperation({ summary: 'County and townships a reporter can pick when there is no machine code' })
  @ApiOkResponse({ type: [PublicRegionDto] })
  regions(): Promise<PublicRegionDto[]> {
    return this.reports.publicRegions();
  }

  @Public()
  @UseGuards(ReportStatusThrottlerGuard)
  @Get('reports/:trackingCode')
  @Header('Cache-Control', 'no-store')
  @ApiParam({ name: 'trackingCode', example: 'AB3DE-FG7HK', description: 'Case, spaces and hyphens do not matter' })
  @ApiOperation({
    summary: 'Progress of a report by its tracking code: status only, nothing about the reporter or the findings',
  })
  @ApiOkResponse({ type: PublicReportStatusDto })
  @ApiNotFoundResponse({ description: 'No report has this tracking code' })
  status(@Param('trackingCode') trackingCode: string): Promise<PublicReportStatusDto> {
    return this.reports.publicStatus(trackingCode);
  }
}
