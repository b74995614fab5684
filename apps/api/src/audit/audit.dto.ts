import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class SealDto {
  @ApiProperty({ example: '2011-06', description: 'The month that ended' })
  @Matches(MONTH, { message: 'month must look like 2011-06' })
  month!: string;
}

export class InclusionQuery {
  @ApiProperty({ description: "The event's id" }) @IsUUID('all', { message: 'eventId must be an event id (a UUID)' }) eventId!: string;
  @ApiProperty({ example: '2011-06', description: 'A sealed month' })
  @Matches(MONTH, { message: 'month must look like 2011-06' })
  month!: string;
}

export class ConsistencyQuery {
  @ApiProperty({ example: '2011-05', description: 'The earlier sealed month' })
  @Matches(MONTH, { message: 'from must look like 2011-06' })
  from!: string;
  @ApiProperty({ example: '2011-06', description: 'The later sealed month' })
  @Matches(MONTH, { message: 'to must look like 2011-06' })
  to!: string;
}
