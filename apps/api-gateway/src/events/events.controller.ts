import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AccessTokenClaims } from '@phdmf/auth';
import { AuthorizationErrorCode, EventFeedErrorCode, NodeRegistryErrorCode } from '@phdmf/contracts';
import { CurrentUser } from '../auth/decorators';
import { ApiErrors } from '../edge/openapi-errors';
import { EventsQueryDto } from './dto';
import { EventFeed } from './event-feed';
import { FEED_CONTENT, FEED_DESCRIPTION } from './openapi';

/** The event feed: Server-Sent Events of what the caller may see, as it is committed. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly feed: EventFeed) {}

  @Get()
  @ApiOperation({ summary: 'Server-Sent Events of what you may see, as it is committed (resumable with Last-Event-ID)', description: FEED_DESCRIPTION })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id (a stream sequence); EventSource sends it on a reconnect', schema: { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' } })
  @ApiOkResponse({ description: 'The stream (it stays open)', content: FEED_CONTENT })
  @ApiErrors(EventFeedErrorCode, AuthorizationErrorCode, NodeRegistryErrorCode)
  async stream(@Req() req: Request, @Res() res: Response, @Query() query: EventsQueryDto, @CurrentUser() user: AccessTokenClaims): Promise<void> {
    await this.feed.serve(req, res, query.lastEventId, user);
  }
}
