import 'reflect-metadata';
import { getMetadataArgsStorage } from 'typeorm';
import { PositionEntity } from './entities/position.entity';
import { POSITION_COLUMNS, microsAlias } from './position-columns';

describe('the one list of position columns', () => {
  it('names every column of PositionEntity once, by the name and property the entity gives it', () => {
    const entityColumns = getMetadataArgsStorage()
      .columns.filter((column) => column.target === PositionEntity)
      .map((column) => ({
        name: column.options.name ?? column.propertyName,
        property: column.propertyName,
      }));
    const listed = POSITION_COLUMNS.map(({ name, property }) => ({ name, property }));

    expect(new Set(listed.map(({ name }) => name)).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining(entityColumns));
    expect(entityColumns).toEqual(expect.arrayContaining(listed));
  });

  it('reads times as microseconds under a name of their own', () => {
    expect(microsAlias('recorded_at')).toBe('recorded_us');
    expect(microsAlias('received_at')).toBe('received_us');
  });
});
