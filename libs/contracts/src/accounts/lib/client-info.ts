import { IsIP, IsOptional, IsString, MaxLength } from 'class-validator';

/** Where a login or refresh came from, as the REST edge saw it (for login history and throttling). */
export abstract class ClientInfo {
  @IsOptional()
  @IsIP()
  address?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  userAgent?: string;
}
