import { IsIP, IsOptional, IsString, MaxLength } from 'class-validator';
import { SafeText } from '../../lib/text';

/** Where a login or refresh came from, as the REST edge saw it (for login history and throttling). */
export abstract class ClientInfo {
  @IsOptional()
  @IsIP()
  address?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  // Multiline: HTTP lets a header value hold a tab, and a browser's own User-Agent must not fail a login.
  @SafeText({ multiline: true })
  userAgent?: string;
}
